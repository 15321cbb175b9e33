"""The project's command-line tools as tests run them: subprocesses of this .venv
(importable: `pythonpath = tests`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent  # the .venv's bin folder: kedro, dvc, mlflow, uvicorn
PROJECT = Path(__file__).resolve().parents[1]


def copy_tracked(destination: Path) -> Path:
    """Copy what `git clone` gives (the tracked files) of the project into ``destination``:
    a test starts where a newcomer starts, with no data/, store or venv."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "-z"], cwd=PROJECT, capture_output=True, check=True
    )
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = PROJECT / name
        if source.is_file():  # a tracked file may be deleted in the working tree
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def venv_environment() -> dict[str, str]:
    """This process's environment with BIN first on PATH, as `source .venv/bin/activate` gives a
    user. `make test` runs pytest without it, yet DVC stages call `kedro` and `mlflow models
    serve` execs `uvicorn` from PATH."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def kedro_mnist_training(params: str) -> list[str]:
    """`kedro run --env test` of MNIST's data processing and training, with Kedro's
    ``--params`` overrides."""
    return [
        sys.executable,
        "-m",
        "kedro",
        "run",
        "--env",
        "test",
        "--pipelines",
        "data_processing,training",
        "--namespaces",
        "mnist",
        "--params",
        params,
    ]


def kedro_run(*args: str) -> list[str]:
    """`kedro run --env test` with more of Kedro's options."""
    return [sys.executable, "-m", "kedro", "run", "--env", "test", *args]


def run_in(
    folder: Path, command: list[str], env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """``command`` run in ``folder``, its stdout and stderr captured as text; the caller checks
    the exit status (often for an expected failure)."""
    return subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )


def expected_error(run: subprocess.CompletedProcess, project: Path) -> str:
    """The message that a `kedro run` ended with on an expected error, once checked that it
    printed no traceback and sent the traceback to the project's info.log."""
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    error, _, where = run.stderr.strip().rpartition("\n")
    assert where == f"(traceback in {project / 'info.log'})", run.stderr[-3000:]
    assert "Traceback (most recent call last)" in (project / "info.log").read_text()
    return error[error.index("Error: ") :]
