"""The project's command-line tools as tests run them: subprocesses of this .venv
(importable: `pythonpath = tests`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

BIN = Path(sys.executable).parent  # the .venv's bin folder: kedro, dvc, mlflow, uvicorn


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
