"""A training's checkpoints reach MLflow while it runs, and only once (a real KedroSession run,
a real SQLite store)."""

from __future__ import annotations

import re

import mlflow
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

STEPS = 40  # twenty checkpoints of the test env's tiny MNIST model: a few seconds of training


def test_checkpoint_grids_and_progress_are_logged_while_training_runs_and_once(
    project_copy, monkeypatch
):
    uri = f"sqlite:///{project_copy / 'tracking.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    bootstrap_project(project_copy)
    params = {"mnist": {"train": {"steps": STEPS}}}
    with KedroSession.create(project_copy, env="test", runtime_params=params) as session:
        session.run(pipeline_names=["data_processing", "training"], namespaces=["mnist"])
    # Saved by the catalog after the training node returned: the node's end, on this clock.
    node_end_ms = (project_copy / "data/test/06_models/mnist/Generator.h5").stat().st_mtime * 1000

    client = mlflow.MlflowClient(uri)
    experiment = client.get_experiment_by_name("gan-pipeline-test")
    [run] = client.search_runs([experiment.experiment_id])
    run_id = run.info.run_id

    grids = [a.path for a in client.list_artifacts(run_id, "images") if a.path.endswith(".png")]
    logged = [re.search(r"sample_grids\+step\+(\d+)\+timestamp\+(\d+)\+", p) for p in grids]
    steps = sorted(int(match[1]) for match in logged)
    assert steps == list(range(2, STEPS + 1, 2))  # every checkpoint's grid, each once
    live = sorted(int(match[1]) for match in logged if int(match[2]) < node_end_ms)
    assert live and live == steps[: len(live)]  # logged while training ran, from the first on

    for key in ("d_loss", "g_loss", "img_per_s"):  # the live rows plus the rest, each once
        assert [m.step for m in client.get_metric_history(run_id, key)] == list(range(1, STEPS + 1))
    progress = client.get_metric_history(run_id, "progress/step")
    assert [m.step for m in progress] == [int(m.value) for m in progress]
    assert progress[0].timestamp < node_end_ms
    left = client.get_metric_history(run_id, "progress/steps_left")
    assert [m.value for m in left] == [STEPS - m.step for m in left]
    assert all(m.value >= 0 for m in client.get_metric_history(run_id, "progress/eta_min"))
