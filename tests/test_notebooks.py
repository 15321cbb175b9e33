"""The notebooks, executed against two tiny trained runs so that they cannot rot.

Both read their parameters from environment variables (first code cell); `KEDRO_ENV` and
`MLFLOW_TRACKING_URI` are Kedro's and MLflow's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import nbformat
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def execute(name: str, cwd: Path) -> list[dict]:
    """Run a notebook in ``cwd`` (as Jupyter would: its folder); returns all its outputs."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()  # raises CellExecutionError, with the cell and traceback, if a cell fails
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


def text(outputs: list[dict]) -> str:
    return "\n".join(
        output.get("text", "") + json.dumps(output.get("data", {})) for output in outputs
    )


def images(outputs: list[dict]) -> int:
    return sum("image/png" in output.get("data", {}) for output in outputs)


@pytest.mark.parametrize("name", ["exploration", "compare_runs"])
def test_notebooks_are_stored_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.slow
def test_both_notebooks_run_against_two_trained_runs(project_copy, monkeypatch):
    store = f"sqlite:///{project_copy / 'mlflow.db'}"  # the project's own store, by path
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store)
    bootstrap_project(project_copy)
    # The whole default run, then only training again with another learning rate.
    for learning_rate, pipeline in ((2e-4, "__default__"), (1e-3, "training")):
        runtime_params = {"mnist": {"train": {"lr_g": learning_rate}}}
        with KedroSession.create(project_copy, env="test", runtime_params=runtime_params) as s:
            s.run(pipeline_names=[pipeline], namespaces=["mnist"])
    trained = mlflow.search_runs(experiment_names=["gan-pipeline-test"], order_by=["start_time"])
    assert list(trained["params.train.lr_g"]) == ["0.0002", "0.001"]

    monkeypatch.setenv("KEDRO_ENV", "test")
    monkeypatch.setenv("GAN_DATASET", "mnist")
    monkeypatch.setenv("GAN_NEAREST_DATASET", "mnist")  # the faces check, on the digits here
    folder = project_copy / "notebooks"  # Kedro finds the project above it
    explored = execute("exploration", folder)
    assert "5000 raw digits" in text(explored) and "Skipped" not in text(explored)
    assert "SSIM to the nearest training image" in text(explored)
    assert images(explored) >= 5  # raw, preprocessed, losses, samples, nearest pairs

    compared = execute("compare_runs", folder)
    assert store in text(compared)
    assert all(run_id in text(compared) for run_id in trained["run_id"])
    assert "train.lr_g" in text(compared)
    assert images(compared) == 1
