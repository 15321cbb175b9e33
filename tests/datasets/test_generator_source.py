"""The generate pipeline's model source: files and MLflow models, and clear errors for bad ones."""

from __future__ import annotations

import shutil

import keras
import mlflow
import numpy as np
import pytest
from kedro.io import DatasetError

from gan_pipeline import tracking
from gan_pipeline.datasets.generator_source import GeneratorSourceDataset
from gan_pipeline.gan.architecture import build_generator

LATENTS = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)


@pytest.fixture(scope="module")
def generator() -> keras.Model:
    return build_generator((28, 28, 1), latent_dim=8, width=8)


@pytest.mark.parametrize("name", ["Generator.h5", "generator.keras"])
def test_loads_the_saved_file_lazily(generator, tmp_path, name):
    path = tmp_path / name
    source = GeneratorSourceDataset(filepath=str(path)).load()  # nothing read yet
    generator.save(path)
    loaded = source.load(None)
    np.testing.assert_array_equal(loaded.predict(LATENTS, verbose=0), generator.predict(LATENTS))
    assert source.location(None) == str(path)


def test_missing_file_names_it_and_the_way_out(tmp_path):
    path = tmp_path / "data/06_models/mnist/Generator.h5"
    with pytest.raises(DatasetError, match="no generator file") as error:
        GeneratorSourceDataset(filepath=str(path)).load().load()
    assert str(path) in str(error.value) and "generate.model_uri" in str(error.value)


def test_a_text_file_is_not_hdf5(tmp_path):
    path = tmp_path / "Generator.h5"
    path.write_text("weights, honestly")
    with pytest.raises(DatasetError, match=r"Generator\.h5: not an HDF5 file \(not a Keras"):
        GeneratorSourceDataset(filepath=str(path)).load().load()


def test_a_keras_zip_under_an_h5_name_is_recognised(generator, tmp_path):
    generator.save(tmp_path / "generator.keras")
    path = tmp_path / "Generator.h5"
    shutil.copy(tmp_path / "generator.keras", path)
    with pytest.raises(DatasetError, match="zip archive, i.e. a native .keras file"):
        GeneratorSourceDataset(filepath=str(path)).load().load()


def test_a_lambda_layer_is_refused_by_safe_mode_unless_the_catalog_allows_it(tmp_path):
    latents = keras.Input((8,))
    pixels = keras.layers.Dense(28 * 28)(latents)
    # A Python lambda is what safe mode refuses: its bytecode is stored in the file.
    pixels = keras.layers.Lambda(lambda x: x * 0.5, output_shape=(28 * 28,))(pixels)
    model = keras.Model(latents, keras.layers.Reshape((28, 28, 1))(pixels))
    path = tmp_path / "Generator.h5"
    model.save(path)
    with pytest.raises(DatasetError, match="refused by Keras safe mode") as error:
        GeneratorSourceDataset(filepath=str(path)).load().load()
    assert str(path) in str(error.value) and "safe_mode: false" in str(error.value)
    trusted = GeneratorSourceDataset(filepath=str(path), load_args={"safe_mode": False})
    assert trusted.load().load().output_shape == (None, 28, 28, 1)


def test_loads_the_registered_mlflow_model_and_names_a_missing_one(generator, tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = mlflow.MlflowClient(uri)
    run = client.create_run(tracking.connect(uri, "generate-test"))
    mlflow.set_tracking_uri(uri)  # what the tracking hook does before any node runs
    version = tracking.log_generator(run.info.run_id, generator, "mnist-generator", step=4)
    source = GeneratorSourceDataset(filepath=str(tmp_path / "absent.h5")).load()

    loaded = source.load(f"models:/mnist-generator/{version}")
    np.testing.assert_allclose(
        loaded.predict(LATENTS, verbose=0), generator.predict(LATENTS, verbose=0), atol=1e-6
    )
    with pytest.raises(DatasetError, match="models:/mnist-generator@nope: cannot load it"):
        source.load("models:/mnist-generator@nope")
