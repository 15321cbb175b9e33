"""A newcomer's clone: `git clone` into an empty folder, nothing beside it (no ../shared, no
data/, no .venv), and the tests' data and the faces example are all there."""

import json
import os
import subprocess
import sys

import joblib
from commands import run_in
from real_data import PROJECT


def python_module(clone, *args: str) -> subprocess.CompletedProcess:
    """``python -m ARGS`` of this .venv in ``clone``, on the clone's own code (not this
    checkout's src/, which the editable install points at)."""
    return run_in(
        clone, [sys.executable, "-m", *args], {**os.environ, "PYTHONPATH": str(clone / "src")}
    )


def test_a_clone_alone_runs_the_data_tests_and_the_faces_example(tmp_path):
    clone = tmp_path / "gan-pipeline"
    subprocess.run(["git", "clone", "-q", str(PROJECT), str(clone)], check=True)
    assert [path.name for path in tmp_path.iterdir()] == ["gan-pipeline"]

    data_test = python_module(clone, "pytest", "-q", "-p", "no:cacheprovider", "tests/datasets")
    assert data_test.returncode == 0, data_test.stdout[-3000:]
    assert " passed" in data_test.stdout and "error" not in data_test.stdout.splitlines()[-1]

    # As a newcomer types it: the default run of the faces namespace, on the example photos.
    faces_run = python_module(clone, "kedro", "run", "--env=test", "--namespaces=faces")
    assert faces_run.returncode == 0, faces_run.stderr[-3000:]
    # The log file, not the console: Rich wraps console lines at the terminal's width.
    assert "using the 24 example photos in 'examples/faces'" in (clone / "info.log").read_text()
    output = clone / "data/test"
    assert joblib.load(output / "02_intermediate/faces/images.pkl").shape == (24, 32, 32, 3)
    assert (output / "06_models/faces/Generator.h5").is_file()
    assert json.loads((output / "08_reporting/faces/metrics.json").read_text())["real_images"]
    assert not (output / "02_intermediate/mnist").exists()
