"""Expected errors end `kedro run` in their message (cause and what to do), not a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
from commands import expected_error, kedro_run
from kedro.io import DatasetError
from loopback import free_port
from real_data import EXAMPLE_PHOTOS

from gan_pipeline.datasets.errors import InputFileError
from gan_pipeline.errors import ExpectedError, expected_cause
from gan_pipeline.run.lock import TrainingRunningError


def test_an_expected_error_is_found_through_the_errors_raised_from_it():
    refusal = TrainingRunningError("another training is running")
    try:
        try:
            raise refusal
        except TrainingRunningError as error:
            raise DatasetError("Failed while loading data from dataset X") from error
    except DatasetError as wrapped:
        assert expected_cause(wrapped) is refusal
    assert isinstance(InputFileError("x"), ExpectedError | DatasetError)
    try:  # an error raised while handling an expected one is not expected itself
        try:
            raise refusal
        except TrainingRunningError:
            raise KeyError("a bug in the clean-up") from None
    except KeyError as bug:
        assert expected_cause(bug) is None


def corrupt_idx(project: Path, mnist_dir: Path) -> list[str]:
    raw = project / "data/01_raw/mnist"
    shutil.copytree(mnist_dir, raw)
    images = raw / "t10k-images-idx3-ubyte.gz"
    images.write_bytes(images.read_bytes()[:100_000])
    (project / "conf/test/catalog.yml").write_text(
        "mnist.raw:\n  type: gan_pipeline.datasets.MNISTDataset\n  path: data/01_raw/mnist\n"
        "  split: t10k\n  download: false\n"
    )
    return ["--pipelines", "data_processing", "--namespaces", "mnist"]


def bad_photo(project: Path, mnist_dir: Path) -> list[str]:
    shutil.copytree(EXAMPLE_PHOTOS, project / "data/01_raw/faces")
    (project / "data/01_raw/faces/zz_notes.jpg").write_text("not a photo")
    params = "faces.preprocess.on_bad_image=fail"
    return ["--pipelines", "data_processing", "--namespaces", "faces", "--params", params]


def truncated_generator(project: Path, mnist_dir: Path) -> list[str]:
    info = project / "data/test/02_intermediate/mnist/data_info.json"
    info.parent.mkdir(parents=True)
    info.write_text('{"data_source": "idx-t10k", "num_images": 10000, "image_shape": [28, 28, 1]}')
    generator = project / "data/test/06_models/mnist/Generator.h5"
    generator.parent.mkdir(parents=True)
    with h5py.File(generator, "w") as file:
        file["weights"] = np.zeros(100_000)
    generator.write_bytes(generator.read_bytes()[:400_000])  # a copy cut short
    return ["--pipelines", "generate", "--namespaces", "mnist"]


def tracking_store_down(project: Path, mnist_dir: Path) -> list[str]:
    os.environ["MLFLOW_TRACKING_URI"] = f"http://127.0.0.1:{free_port()}"  # conftest resets it
    return ["--pipelines", "data_processing", "--namespaces", "mnist"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "cause"),
    [
        (corrupt_idx, "data/01_raw/mnist/t10k-images-idx3-ubyte.gz: cannot read (Compressed file"),
        (bad_photo, "zz_notes.jpg: not an image file Pillow can read (on_bad_image: fail)"),
        (truncated_generator, "data/test/06_models/mnist/Generator.h5: not a loadable Keras"),
        (tracking_store_down, "MLflow"),
    ],
)
def test_expected_errors_end_the_run_in_one_line(make, cause, project_copy, mnist_dir):
    args = make(project_copy, mnist_dir)
    run = subprocess.run(
        kedro_run(*args),
        cwd=project_copy,
        env={**os.environ, "COLUMNS": "250", "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    error = expected_error(run, project_copy)
    assert error.startswith("Error: ") and "\n" not in error
    assert cause in error
    # The run's own log lines stay; the error was 166-261 lines of traceback before.
    assert len((run.stdout + run.stderr).splitlines()) < 40, run.stdout + run.stderr


def test_other_errors_keep_kedros_traceback(project_copy):
    (project_copy / "conf/test/catalog.yml").write_text("mnist.raw:\n  type: NoSuchDataset\n")
    run = subprocess.run(
        kedro_run("--pipelines", "data_processing", "--namespaces", "mnist"),
        cwd=project_copy,
        env={**os.environ, "COLUMNS": "250"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1
    assert "Traceback (most recent call last)" in output and "NoSuchDataset" in output
    assert "(traceback in " not in output
