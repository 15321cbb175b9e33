"""A newcomer's clone: `git clone` into an empty folder, nothing beside it (no ../shared, no
data/, no .venv), and the tests' data and the faces example are all there."""

import os
import subprocess
import sys

import joblib
from real_data import PROJECT


def test_a_clone_alone_runs_a_data_test_and_the_faces_preprocessing(tmp_path):
    clone = tmp_path / "gan-pipeline"
    subprocess.run(["git", "clone", "-q", str(PROJECT), str(clone)], check=True)
    assert [path.name for path in tmp_path.iterdir()] == ["gan-pipeline"]
    # The clone's own code, not the editable install's (this checkout's src/).
    env = {**os.environ, "PYTHONPATH": str(clone / "src")}

    data_test = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/datasets"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert data_test.returncode == 0, data_test.stdout[-3000:]
    assert " passed" in data_test.stdout and "error" not in data_test.stdout.splitlines()[-1]

    processing = subprocess.run(
        [sys.executable, "-m", "kedro", "run", "--env=test", "--pipelines=data_processing"]
        + ["--namespaces=faces"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert processing.returncode == 0, processing.stderr[-3000:]
    assert "24 example photos" in processing.stdout + processing.stderr
    images = joblib.load(clone / "data/test/02_intermediate/faces/images.pkl")
    assert images.shape == (24, 32, 32, 3)
