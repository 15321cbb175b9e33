"""MLflow calls behind the tracking hook: connect, log a training record, log a generator.

Imports no Kedro: ``hooks.py`` maps Kedro's datasets and run events onto these functions.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import git
import mlflow
import numpy as np
import pandas as pd
from dvc_data.hashfile.build import build
from dvc_data.hashfile.db import HashFileDB
from dvc_objects.fs import LocalFileSystem, MemoryFileSystem
from mlflow.entities import Metric, Param
from mlflow.models import Model, ModelSignature, infer_signature
from mlflow.utils.mlflow_tags import MLFLOW_GIT_COMMIT

from gan_pipeline.errors import ExpectedError

BEST_ALIAS = "best"
# Which process made a run, so a later run can tell a run still going from one a kill -9 ended.
PID_TAG = "process.pid"
HOST_TAG = "process.host"
# Runs a lost tracking server left open, in the project root (git-ignored): the next run marks
# them FAILED, `python -m gan_pipeline.log_outputs` logs their outputs afterwards.
UNFINISHED_FILE = ".mlflow-unfinished.json"


class TrackingUnavailableError(ExpectedError, RuntimeError):
    """The configured MLflow tracking store cannot be reached."""


def default_tracking_uri(project_path: Path) -> str:
    """The embedded store: a SQLite file in the project root (git-ignored)."""
    return f"sqlite:///{(Path(project_path) / 'mlflow.db').resolve()}"


def artifact_location(tracking_uri: str, experiment_name: str) -> str | None:
    """Artifacts beside a SQLite store (``<db folder>/mlruns/<experiment>``); None elsewhere.

    MLflow's own default for SQLite is ``./mlruns`` of whatever the working directory is,
    which loses the artifacts of runs made in a temporary copy (``dvc exp run --temp``).
    A server chooses its own artifact store, hence None.
    """
    if not tracking_uri.startswith("sqlite:///"):
        return None
    database = Path(tracking_uri.removeprefix("sqlite:///")).resolve()
    return (database.parent / "mlruns" / experiment_name).as_uri()


def connect(tracking_uri: str, experiment_name: str, timeout_s: int = 10) -> str:
    """Id of ``experiment_name`` in ``tracking_uri`` (created if missing), or a clear error.

    One request without retries: even the project's bounded retries (conf/base/mlflow.yml) would
    delay the report of a server that is down before anything ran.
    """
    client = mlflow.MlflowClient(tracking_uri)

    def find_or_create() -> str:
        experiment = client.get_experiment_by_name(experiment_name)
        if experiment is not None:
            return experiment.experiment_id
        return client.create_experiment(
            experiment_name, artifact_location(tracking_uri, experiment_name)
        )

    with http_settings(max_retries=0, timeout_s=timeout_s):
        try:
            return find_or_create()
        except Exception:  # the store's own error type varies (HTTP, SQLAlchemy, ...)
            # Two processes starting together (the workers of a multi-worker cluster, parallel
            # runs) race to create the same SQLite tables or experiment and one loses with a
            # UNIQUE-constraint error; by now the winner's row exists, so look again once.
            try:
                return find_or_create()
            except Exception as error:
                raise TrackingUnavailableError(
                    f"MLflow tracking store {tracking_uri} cannot be reached: {error}"
                ) from error


@contextmanager
def http_settings(max_retries: int, timeout_s: int) -> Iterator[None]:
    """MLflow's retries and timeout for the HTTP requests of a block (MLflow reads these
    variables on every request), the process's own settings restored after it."""
    settings = {
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": str(max_retries),
        "MLFLOW_HTTP_REQUEST_TIMEOUT": str(timeout_s),
    }
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value


def unavailable(tracking_uri: str, error: Exception) -> str:
    """What is wrong with the store at ``tracking_uri`` and what to do, in one sentence."""
    cause = error.__cause__ if isinstance(error, TrackingUnavailableError) else None
    cause = cause or error
    first = (str(cause).splitlines() or [type(cause).__name__])[0]
    damaged = ("database disk image is malformed", "file is not a database")
    if tracking_uri.startswith("sqlite:///") and any(text in str(cause) for text in damaged):
        path = tracking_uri.removeprefix("sqlite:///")
        return (
            f"The MLflow store {path} is damaged ({first}): move it aside "
            f"(mv {path} {path}.damaged) to start a new store, or restore it from a backup"
        )
    return (
        f"MLflow tracking store {tracking_uri} cannot be reached: {first}. Start the server or "
        "point MLFLOW_TRACKING_URI (or tracking_uri in conf/*/mlflow.yml) at a reachable store"
    )


def first_line(error: BaseException, limit: int = 200) -> str:
    """The root cause of an error, type and the start of its first line (MLflow's HTTP errors
    wrap e.g. ``ConnectionRefusedError`` in hundreds of characters of connection-pool detail)."""
    while (error.__cause__ or error.__context__) is not None:
        error = error.__cause__ or error.__context__
    text = (str(error).splitlines() or [""])[0]
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{type(error).__name__}: {text}"


def remember_unfinished(project: Path, run_id: str, record: dict[str, str]) -> None:
    """Note ``run_id`` ({tracking_uri, namespace, env, name}) as left open by a lost server."""
    records = unfinished_runs(project)
    records[run_id] = record
    _write_unfinished(project, records)


def unfinished_runs(project: Path) -> dict[str, dict[str, str]]:
    """The runs ``remember_unfinished`` noted in ``project`` and nothing has closed since."""
    path = Path(project) / UNFINISHED_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def forget_unfinished(project: Path, run_ids: set[str]) -> None:
    records = unfinished_runs(project)
    if run_ids & records.keys():
        _write_unfinished(project, {k: v for k, v in records.items() if k not in run_ids})


def _write_unfinished(project: Path, records: dict[str, dict[str, str]]) -> None:
    path = Path(project) / UNFINISHED_FILE
    if not records:
        path.unlink(missing_ok=True)
        return
    scratch = path.with_suffix(f".{os.getpid()}.tmp")
    scratch.write_text(json.dumps(records, indent=1) + "\n")
    scratch.replace(path)  # atomic: a reader sees the old list or the new one


def process_tags() -> dict[str, str]:
    """This process's pid and host, as run tags for ``close_abandoned_runs``."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def close_abandoned_runs(client: mlflow.MlflowClient, experiment_id: str) -> list[Any]:
    """Mark KILLED the runs of ``experiment_id`` left RUNNING by a process of this host that no
    longer exists (a kill -9, a power cut); returns them. MLflow has no notion of a run's
    process, hence the tags and this check."""
    running = client.search_runs([experiment_id], "attributes.status = 'RUNNING'")
    abandoned = [
        run
        for run in running
        if run.data.tags.get(HOST_TAG) == socket.gethostname()
        and PID_TAG in run.data.tags
        and not _process_exists(int(run.data.tags[PID_TAG]))
    ]
    for run in abandoned:
        client.set_terminated(run.info.run_id, status="KILLED")
    return abandoned


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only checks
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def git_tags(path: Path) -> dict[str, str]:
    """Commit and dirty flag of the git repository holding ``path``; empty outside one."""
    try:
        repository = git.Repo(path, search_parent_directories=True)
        commit = repository.head.commit.hexsha
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, ValueError):
        return {}  # not a repository, or one without commits yet
    return {MLFLOW_GIT_COMMIT: commit, "git.dirty": str(repository.is_dirty()).lower()}


def data_hash(path: Path) -> str | None:
    """DVC's md5 of a file or folder (``<md5>.dir`` for a folder), as dvc.lock records it.

    Computed with DVC's own hashing library, so a run can be matched to a DVC data version
    whether or not the project is a DVC repository; None when the path does not exist.
    """
    filesystem = LocalFileSystem()
    if not filesystem.exists(str(path)):
        return None
    scratch = HashFileDB(MemoryFileSystem(), "/")
    _, _, obj = build(scratch, str(path), filesystem, "md5", dry_run=True)
    return obj.hash_info.value


def flat_params(params: Mapping[str, Any]) -> list[Param]:
    """Nested parameters as MLflow params with dotted keys (``train.lr_g``)."""
    flat = pd.json_normalize(dict(params), sep=".").to_dict("records")[0]
    return [Param(key, str(value)) for key, value in flat.items()]


def history_metrics(history: pd.DataFrame) -> list[Metric]:
    """Every numeric column of a per-step history as a stepped metric; NaN gaps skipped.

    Quality columns (FD, KID, ...) are NaN between evaluations; skipping them keeps their
    charts to the steps where they were measured.
    """
    now = int(time.time() * 1000)
    long = history.select_dtypes("number").melt(id_vars="step").dropna(subset=["value"])
    return [
        Metric(key, float(value), now, int(step))
        for step, key, value in long.itertuples(index=False)
    ]


def final_metrics(metrics: Mapping[str, Any], step: int) -> list[Metric]:
    """Final evaluation figures as ``final/<name>``, at the last training step.

    The prefix keeps them apart from the in-training curves of the same name and groups
    them in their own section of the MLflow charts.
    """
    now = int(time.time() * 1000)
    return [Metric(f"final/{key}", float(value), now, step) for key, value in metrics.items()]


def grid_step(key: str) -> int | None:
    """250 from a sample-grid key ``step_000250``; None for other keys."""
    match = re.fullmatch(r"step_(\d+)", key)
    return int(match.group(1)) if match else None


def logged_image_steps(client: Any, run_id: str, key: str) -> set[int]:
    """The steps of ``key``'s stepped image history that the run's artifacts already hold.

    MLflow keeps no index of images logged by step, only their file names
    (``images/<key>+step+<N>+timestamp+...png``, ``%`` in older MLflow); an upload that
    landed although the client saw the server go must not be logged twice.
    """
    prefix = re.escape(key.replace("/", "~"))
    steps = set()
    for artifact in client.list_artifacts(run_id, "images"):
        match = re.fullmatch(rf"images/{prefix}[+%]step[+%](\d+)[+%].*\.png", artifact.path)
        if match:
            steps.add(int(match.group(1)))
    return steps


def log_generator(
    run_id: str, generator: Any, registered_name: str | None, step: int
) -> int | None:
    """Log ``generator`` as an MLflow model of ``run_id`` and register it (unless
    ``registered_name`` is None).

    The input example is latent vectors and the signature's output images, so
    ``mlflow.pyfunc.load_model(...).predict(latents)`` returns images; its pyfunc
    (``gan_pipeline.serving``) refuses bad requests with an HTTP 400 when served. Requirements
    are pinned here: MLflow's inference of them loads the model in a subprocess and took ~20 s.
    Returns the new version (None when not registered).
    """
    # Imported here: these import TensorFlow (5-7 s), which every other Kedro command
    # importing the project settings would pay. By the time a generator exists it is loaded.
    import keras  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    from gan_pipeline import serving  # noqa: PLC0415

    latents = np.random.default_rng(0).standard_normal((2, generator.input_shape[-1]))
    latents = latents.astype(np.float32)
    # MLflow 3 files the logged model under the *active* experiment: make it the run's own, or
    # a stale one from an earlier session in this process (another store) is used.
    mlflow.set_experiment(experiment_id=mlflow.MlflowClient().get_run(run_id).info.experiment_id)
    info = Model.log(
        None,
        name="generator",
        flavor=serving,
        run_id=run_id,
        step=step,
        registered_model_name=registered_name,
        model=generator,
        # Outputs only: MLflow's input-schema check would answer a bad request with the whole
        # request body; the pyfunc checks the input itself (gan_pipeline.serving).
        signature=ModelSignature(
            inputs=None, outputs=infer_signature(latents, np.asarray(generator(latents))).outputs
        ),
        input_example=latents,
        pip_requirements=[f"keras=={keras.__version__}", f"tensorflow=={tf.__version__}"],
        # The check predicts on the example (~1.5 s, and prints a progress bar); the tests
        # load the registered model through pyfunc and predict instead.
        validate_serving_input=False,
    )
    return None if registered_name is None else int(info.registered_model_version)


def version_by_file(client: mlflow.MlflowClient, name: str, md5: str) -> int | None:
    """The registered version of ``name`` whose saved generator file has this md5.

    Lets a ``kedro run`` that only evaluates (a separate DVC stage) find the version its
    generator input was registered as by the training run.
    """
    versions = client.search_model_versions(f"name='{name}' and tags.file_md5='{md5}'")
    return max((int(v.version) for v in versions), default=None)


def promote_if_best(client: mlflow.MlflowClient, name: str, version: int, fd: float) -> bool:
    """Record ``fd`` on the version; point ``best`` at it when it beats the current best.

    Lower FD is better. Each version carries its FD as a tag, so the comparison needs no
    lookup of the run that produced the current best.
    """
    client.set_model_version_tag(name, str(version), "fd", str(fd))
    best = client.get_registered_model(name).aliases.get(BEST_ALIAS)
    if best is not None:
        best_fd = client.get_model_version(name, str(best)).tags.get("fd")
        if best_fd is not None and float(best_fd) <= fd:
            return False
    client.set_registered_model_alias(name, BEST_ALIAS, str(version))
    return True
