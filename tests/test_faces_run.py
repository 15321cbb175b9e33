"""The faces namespace end to end through Kedro, on the 24 example photos."""

import json
import shutil
from pathlib import Path

import h5py
import joblib
import keras
import pandas as pd
import pytest
from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from real_data import EXAMPLE_PHOTOS


@pytest.fixture
def faces_project(project_copy) -> Path:
    """The project copy with the example photos and one non-photo in data/01_raw/faces/."""
    raw = project_copy / "data/01_raw/faces"
    shutil.copytree(EXAMPLE_PHOTOS, raw)
    (raw / "README.txt").write_text("these are the example photos\n")
    bootstrap_project(project_copy)
    return project_copy


def run_faces(project: Path, env: str, runtime_params: dict | None = None) -> None:
    with KedroSession.create(
        project_path=project, env=env, runtime_params=runtime_params
    ) as session:
        session.run(pipeline_names=["data_processing", "training"], namespaces=["faces"])


def test_default_run_stays_mnist_only(faces_project):
    assert {node.namespace for node in pipelines["__default__"].nodes} == {"mnist"}
    for name in ("data_processing", "training"):
        assert {node.namespace for node in pipelines[name].nodes} == {"mnist", "faces"}


def test_faces_run_on_the_example_photos(faces_project):
    run_faces(faces_project, "test")
    intermediate = faces_project / "data/test/02_intermediate/faces"
    images = joblib.load(intermediate / "images.pkl")
    assert images.shape == (24, 32, 32, 3)
    skipped = json.loads((intermediate / "skipped.json").read_text())
    assert [entry["file"] for entry in skipped] == ["README.txt"]
    info = json.loads((intermediate / "data_info.json").read_text())
    assert info["num_images"] == 24 and info["num_skipped"] == 1
    generator_path = faces_project / "data/test/06_models/faces/Generator.h5"
    assert h5py.is_hdf5(generator_path)
    generator = keras.models.load_model(generator_path, compile=False)
    assert generator.output_shape == (None, 32, 32, 3)
    assert len(pd.read_csv(faces_project / "data/test/08_reporting/faces/history.csv")) == 2
    assert (faces_project / "data/test/08_reporting/faces/samples/step_000002.png").exists()
    # MNIST was not touched.
    assert not (faces_project / "data/test/02_intermediate/mnist").exists()


@pytest.mark.slow
def test_300_preset_trains_two_steps_and_exports_a_300x300_generator(faces_project):
    tiny_run = {"steps": 2, "batch_size": 2, "checkpoint_every": 2, "verbose": 0}
    run_faces(faces_project, "base", {"faces": {"train": tiny_run}})
    generator_path = faces_project / "data/06_models/faces/Generator.h5"
    generator = keras.models.load_model(generator_path, compile=False)
    assert generator.output_shape == (None, 300, 300, 3)


def test_cpu_preset_trains_with_its_recipe_and_exports_64x64(faces_project):
    """The `--env cpu` preset as configured (its widths, minibatch std, learning rates, decay,
    EMA, DiffAugment), shortened to four steps: its settings pass the checks and it exports
    64x64 faces."""
    short = {"steps": 4, "checkpoint_every": 2, "lr_decay_steps": 2, "verbose": 0}
    run_faces(faces_project, "cpu", {"faces": {"train": short}})
    generator_path = faces_project / "data/06_models/faces/Generator.h5"
    generator = keras.models.load_model(generator_path, compile=False)
    assert generator.output_shape == (None, 64, 64, 3)
    discriminator_path = faces_project / "data/06_models/faces/Discriminator.h5"
    discriminator = keras.models.load_model(discriminator_path, compile=False)
    assert discriminator.get_layer("minibatch_std")  # the preset's variety check, saved
    history = pd.read_csv(faces_project / "data/08_reporting/faces/history.csv")
    assert list(history["step"]) == [1, 2, 3, 4]
    # fit: face found a face in each of the 24 photos; only the note was skipped.
    skipped = json.loads((faces_project / "data/02_intermediate/faces/skipped.json").read_text())
    assert [entry["file"] for entry in skipped] == ["README.txt"]
