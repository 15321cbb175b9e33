"""MLflow tracking hook: one MLflow run per dataset namespace per ``kedro run``.

Nodes stay free of MLflow: they return data, the catalog saves it, and this hook logs it right
after each save (so saved files such as Generator.h5 exist and are attached as they are), as
the dataset's catalog entry declares (``metadata: {mlflow: <role>}``, ``ROLES``).
Tracking is best-effort once a run has started: the first failed MLflow call turns it off for the
rest of the run (each call to a lost server costs MLflow's timeout and retries, bounded in
conf/base/mlflow.yml), training and the catalog saves go on, and one warning at the end names
what was not logged and how to log it afterwards (``gan_pipeline.log_outputs``).
While a training node runs, a thread of this hook logs each new checkpoint's sample grid, the
history so far and the progress (``_LiveTraining``) from the files the training writes beside
its checkpoints; what it logged is skipped when the node's outputs are logged.
A project hook rather than kedro-mlflow, which with Kedro 1.7 / MLflow 3 falls back to the file
store and crashes, puts both namespaces of a run into one MLflow run, and leaves dataset-factory
metrics unprefixed (kedro-mlflow 2.0.3, as tried on this project).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from kedro.config import MissingConfigException
from kedro.framework.hooks import hook_impl
from mlflow.entities import Metric, RunTag
from mlflow.exceptions import MlflowException
from mlflow.tracking.context.registry import resolve_tags
from PIL import Image

from gan_pipeline import tracking, validation
from gan_pipeline.gan import backend
from gan_pipeline.gan.config import TrackingConfig, problems
from gan_pipeline.gan.files import GRIDS_FILE, HISTORY_FILE, PROGRESS_FILE
from gan_pipeline.gan.images import to_pil
from gan_pipeline.run import plan

log = logging.getLogger(__name__)

# What the catalog's `metadata: {mlflow: ...}` may say of a dataset: run tags from its dict,
# final metrics, per-step metrics from its "step" table (and the file), the file, a dict of
# images (keyed step_000250: a stepped image history), the generator (its file, then the model).
ROLES = ("tags", "metrics", "history", "artifact", "images", "model")
# The last checkpoint logged while training ran: its grids and history rows are in the run.
LIVE_STEP = "progress/step"


@dataclass
class _NamespaceRun:
    """What the hook knows about one namespace's MLflow run while ``kedro run`` goes on."""

    run_id: str
    name: str
    free_inputs: set[str]  # datasets this namespace reads but does not make in this run
    last_step: int = 0
    generator: Any = None  # logged as a model once the run's final metrics are known
    generator_md5: str | None = None  # of the saved or loaded Generator.h5
    fd: float | None = None
    hashed: set[str] = field(default_factory=set)
    not_logged: list[str] = field(default_factory=list)  # once tracking is lost
    # Grids and history rows up to this step were logged while training ran (``_LiveTraining``).
    live_step: int = 0


class MlflowTracking:
    """Logs parameters, tags, per-step metrics, images, plots and the generator to MLflow."""

    def __init__(self, adopt_unfinished: bool = False) -> None:
        """``adopt_unfinished``: log into the run a lost server left open for a namespace
        instead of a new one (``gan_pipeline.log_outputs``)."""
        self._adopt_unfinished = adopt_unfinished
        self._settings: dict[str, Any] = {}
        self._client: mlflow.MlflowClient | None = None
        self._catalog: Any = None
        self._runs: dict[str, _NamespaceRun] = {}
        self._seconds = 0.0
        self._uri = ""
        self._run_params: dict[str, Any] = {}
        self._lost: Exception | None = None  # the first failed MLflow call of this run
        self._saved: dict[str, list[tuple[str, Any]]] = {}  # a node's outputs saved so far
        self._live: _LiveTraining | None = None  # while a tracked training node runs
        self._lock = threading.Lock()  # one MLflow call at a time: the live thread's or ours

    @property
    def run_ids(self) -> dict[str, str]:
        """The open MLflow run of each tracked namespace, by namespace."""
        return {namespace: run.run_id for namespace, run in self._runs.items()}

    @property
    def seconds(self) -> float:
        """Time spent talking to MLflow in the current or last run (a benchmark reads it)."""
        return self._seconds

    @hook_impl
    def after_context_created(self, context) -> None:
        settings = context.config_loader["mlflow"]  # conf/base/mlflow.yml has every key
        if found := problems(TrackingConfig, settings, prefix="conf/*/mlflow.yml: "):
            raise validation.report(found)
        self._settings = settings
        try:
            secrets = context.config_loader["credentials"].get("mlflow") or {}
        except MissingConfigException:
            secrets = {}
        # MLflow reads server credentials from its environment variables (MLFLOW_TRACKING_
        # USERNAME/PASSWORD/TOKEN); ones set in the real environment win over the file.
        for name, value in {**secrets, **settings.get("http", {})}.items():
            os.environ.setdefault(name, str(value))

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline, catalog) -> None:
        self._runs, self._catalog, self._seconds = {}, catalog, 0.0
        self._run_params, self._lost, self._saved = run_params, None, {}
        namespaces = []
        for namespace in plan.namespaces(pipeline, catalog):
            if namespace.chief:  # a multi-worker cluster makes one MLflow run, not one a worker
                namespaces.append(namespace.name)
            else:
                log.info(
                    "%s: not the chief of the multi-worker run, so not tracking it", namespace.name
                )
        if not namespaces:
            return
        started = time.perf_counter()
        uri = self._uri = (
            os.environ.get("MLFLOW_TRACKING_URI")
            or self._settings["tracking_uri"]
            or tracking.default_tracking_uri(Path(run_params["project_path"]))
        )
        try:
            self._start_runs(uri, run_params, pipeline, catalog, namespaces)
        except Exception as error:  # the store's own error types vary (HTTP, SQLAlchemy, ...)
            with contextlib.suppress(Exception):  # the store that just failed may fail again
                self._abandon("FAILED")
            self._runs = {}
            problem = tracking.unavailable(uri, error)
            if self._settings["tracking"] == "optional":
                log.warning("%s; running without tracking (tracking: optional)", problem)
                return
            raise tracking.TrackingUnavailableError(
                f"{problem}. Nothing was run. `tracking: optional` in conf/*/mlflow.yml runs "
                "without tracking."
            ) from error
        # A SIGTERM ends the process through Python's exit (run/stopping.py), so its runs are
        # marked KILLED (atexit) like a Ctrl-C's; a kill -9 leaves them to the next run's clean-up.
        atexit.unregister(self._abandon)  # once per process, however many runs it makes
        atexit.register(self._abandon, "KILLED")
        self._seconds += time.perf_counter() - started
        log.info("MLflow tracking to %s (experiment %s)", uri, self._settings["experiment_name"])

    def _start_runs(self, uri: str, run_params, pipeline, catalog, namespaces: list[str]) -> None:
        """Connect, close runs that dead processes left RUNNING, open one run per namespace."""
        experiment_id = tracking.connect(uri, self._settings["experiment_name"])
        # Model logging and pyfunc loading use the global URI and experiment.
        mlflow.set_tracking_uri(uri)
        mlflow.set_experiment(experiment_id=experiment_id)
        self._client = mlflow.MlflowClient(uri)
        adopted = self._close_unfinished(namespaces, pipeline)
        for run in tracking.close_abandoned_runs(self._client, experiment_id):
            log.warning(
                "MLflow run %s (%s) was left RUNNING by process %s, which no longer runs: "
                "marked KILLED",
                run.info.run_id,
                run.info.run_name,
                run.data.tags[tracking.PID_TAG],
            )
        common = {
            "kedro.run_id": run_params["run_id"],
            "kedro.pipelines": ",".join(run_params.get("pipeline_names") or ["__default__"]),
            "kedro.env": run_params["env"] or "",
            **tracking.git_tags(Path(run_params["project_path"])),
            **tracking.process_tags(),
        }
        for namespace in namespaces:
            part = pipeline.only_nodes_with_namespaces([namespace])
            free = {name for name in part.inputs() if not name.startswith("params:")}
            if namespace in adopted:  # its tags and parameters were logged when it started
                run_id, name = adopted[namespace]
                self._client.set_tag(run_id, "outputs_logged_afterwards", "true")
                live = self._client.get_metric_history(run_id, LIVE_STEP)  # logged before
                live_step = int(max((m.value for m in live), default=0))
                self._runs[namespace] = _NamespaceRun(run_id, name, free, live_step=live_step)
                continue
            tags = {**common, "namespace": namespace}
            info = f"{namespace}.data_info"
            if info not in part.all_outputs() and catalog.exists(info):
                tags |= _data_tags(catalog.load(info))  # made by an earlier run or DVC stage
            run = self._client.create_run(
                experiment_id,
                run_name=f"{namespace}-{run_params['run_id']}",
                tags=resolve_tags(tags),
            )
            # The parameter groups this namespace's nodes read (with --params overrides), so
            # a data-only run does not show training settings it never used; and the Keras
            # backend (KERAS_BACKEND), which trains, evaluates and checkpoints differently.
            prefix = f"params:{namespace}."
            used = {
                name.removeprefix(prefix): catalog.load(name)
                for name in part.inputs()
                if name.startswith(prefix)
            }
            used["backend"] = backend.NAME
            self._client.log_batch(run.info.run_id, params=tracking.flat_params(used))
            self._runs[namespace] = _NamespaceRun(run.info.run_id, run.info.run_name, free)

    def _close_unfinished(self, namespaces: list[str], pipeline) -> dict[str, tuple[str, str]]:
        """Mark FAILED the runs of this store that a lost server left RUNNING, and forget those
        whose training outputs this run replaces; returns those by namespace (id, name), which
        ``log_outputs`` adopts."""
        project = Path(self._run_params["project_path"])
        replaced: dict[str, tuple[str, str]] = {}
        gone = set()
        for run_id, record in tracking.unfinished_runs(project).items():
            if record["tracking_uri"] != self._uri:
                continue
            try:
                status = self._client.get_run(run_id).info.status
            except MlflowException as error:  # deleted since, or a new store at that URI
                if error.error_code != "RESOURCE_DOES_NOT_EXIST":
                    raise
                gone.add(run_id)
                continue
            if status == "RUNNING":
                self._client.set_terminated(run_id, status="FAILED")
                log.warning(
                    "MLflow run %s (%s) was left open when its tracking server went away: "
                    "marked FAILED",
                    run_id,
                    record["name"],
                )
            namespace = record["namespace"]
            if (
                namespace in namespaces
                and record["env"] == self._env
                and f"{namespace}.history" in pipeline.all_outputs()
            ):
                replaced[record["namespace"]] = (run_id, record["name"])
        tracking.forget_unfinished(project, gone | {run_id for run_id, _ in replaced.values()})
        return replaced if self._adopt_unfinished else {}

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: Any, node) -> None:
        namespace, short = _split(dataset_name)
        run = self._runs.get(namespace)
        if run is None or dataset_name not in run.free_inputs or dataset_name in run.hashed:
            return
        run.hashed.add(dataset_name)
        md5 = self._data_hash(dataset_name)
        if md5:
            self._track(
                run,
                f"tag data_hash.{short}",
                self._client.set_tag,
                run.run_id,
                f"data_hash.{short}",
                md5,
            )
            if self._role(dataset_name) == "model":
                run.generator_md5 = md5

    @hook_impl
    def before_node_run(self, node, inputs: dict[str, Any]) -> None:
        """A training node of a tracked namespace (it reads ``train`` parameters and makes sample
        grids): log its checkpoints while it runs."""
        namespace = (node.namespace or "").split(".")[0]
        run = self._runs.get(namespace)
        folder = (inputs.get(f"params:{namespace}.train") or {}).get("checkpoint_dir")
        grids = [name for name in node.outputs if self._role(name) == "images"]
        if run is None or not folder or not grids:
            return
        self._live = _LiveTraining(self, run, Path(folder), _split(grids[0])[1])
        self._live.start()

    @hook_impl
    def after_node_run(self) -> None:
        self._stop_live()  # before the node's outputs are saved and logged

    @hook_impl
    def on_node_error(self) -> None:
        self._stop_live()

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any, node) -> None:
        """Log a node's outputs once all of them are saved: a slow or lost server then never
        stands between the saves of one node (Generator.h5 beside an older history.csv)."""
        run = self._runs.get(_split(dataset_name)[0])
        if run is None:
            return
        key = node.name if node is not None else dataset_name  # None: gan_pipeline.log_outputs
        saved = self._saved.setdefault(key, [])
        saved.append((dataset_name, data))
        if node is not None and len(saved) < len(node.outputs):
            return
        del self._saved[key]
        for name, each in saved:
            role = self._role(name)
            self._remember(run, role, name, each)
            if logger := self._logger(run, role, name, each):
                self._track(run, self._label(name), logger)

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog) -> None:
        for namespace, run in self._runs.items():
            self._finish(namespace, run)
        if self._runs:
            log.info("MLflow tracking took %.1f s in this run", self._seconds)
        self._runs = {}

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog) -> None:
        self._abandon("FAILED")

    def _abandon(self, status: str) -> None:
        """End the open runs as FAILED (an exception) or KILLED (a signal, Ctrl-C)."""
        self._stop_live()
        for namespace, run in self._runs.items():
            self._track(run, None, self._client.set_terminated, run.run_id, status)
            if self._lost is not None:
                self._give_up(namespace, run)
        self._runs = {}

    def _track(self, run: _NamespaceRun, what: str | None, call, *args) -> None:
        """One MLflow call, best-effort: after the first failure the rest of the run's calls
        are skipped (``what`` they would log listed in ``run.not_logged``) instead of each
        paying the timeout."""
        with self._lock:
            if self._lost is None:
                try:
                    with self._timed():
                        call(*args)
                    return
                except Exception as error:  # the store's own error types vary (HTTP, SQLAlchemy)
                    self._lost = error
                    log.info(
                        "MLflow tracking to %s failed (%s): tracking is off for the rest of this "
                        "run; training and saving go on",
                        self._uri,
                        tracking.first_line(error),
                    )
            if what:
                run.not_logged.append(what)

    def _give_up(self, namespace: str, run: _NamespaceRun) -> None:
        """A run tracking was lost in: one quick try to mark it FAILED, a note for the next
        run and for ``log_outputs``, and the one warning that says what is missing."""
        project = Path(self._run_params["project_path"])
        record = {"tracking_uri": self._uri, "namespace": namespace, "env": self._env}
        tracking.remember_unfinished(project, run.run_id, record | {"name": run.name})
        try:
            with tracking.http_settings(max_retries=0, timeout_s=5):
                self._client.set_terminated(run.run_id, status="FAILED")
            status = "marked FAILED"
        except Exception:  # still unreachable
            status = "the next run marks it FAILED"
        env = f" --env {self._env}" if self._env else ""
        log.warning(
            "MLflow tracking to %s failed (%s): run %s (%s) lacks %s; %s. The outputs are "
            "saved; once the server answers, `python -m gan_pipeline.log_outputs --namespace "
            "%s%s` logs them",
            self._uri,
            tracking.first_line(self._lost),
            run.run_id,
            run.name,
            ", ".join(run.not_logged),
            status,
            namespace,
            env,
        )

    @property
    def _env(self) -> str:
        return self._run_params.get("env") or ""

    def _label(self, dataset_name: str) -> str:
        """What a user recognises of a dataset: its file name, else its catalog name."""
        path = self._filepath(dataset_name)
        return path.name if path else dataset_name

    def _remember(self, run: _NamespaceRun, role: str | None, dataset_name: str, data: Any) -> None:
        """What the end of the run needs of a saved output, whether or not it gets logged."""
        if role == "metrics":
            run.fd = float(data["fd"]) if "fd" in data else None
        elif role == "model":
            run.generator = data
            run.generator_md5 = self._data_hash(dataset_name)
        elif role == "history" and len(data):  # the quality table may have no row yet
            run.last_step = max(run.last_step, int(data["step"].max()))

    def _logger(self, run: _NamespaceRun, role: str | None, dataset_name: str, data: Any):
        """The MLflow call for one saved node output's role, or None if it is not logged."""
        client = self._client
        if role == "tags":
            tags = [RunTag(key, value) for key, value in _data_tags(data).items()]
            return partial(client.log_batch, run.run_id, tags=tags)
        if role == "metrics":
            metrics = tracking.final_metrics(data, run.last_step)
            return partial(client.log_batch, run.run_id, metrics=metrics)
        if role == "history":
            return partial(self._log_history, run, dataset_name, data)
        if role in ("model", "artifact"):
            # The file the catalog wrote (no second render); the model itself at the end.
            return partial(self._log_file, run, dataset_name)
        if role == "images" and data:
            return partial(self._log_images, run, _split(dataset_name)[1], data)
        return None

    def _role(self, dataset_name: str) -> str | None:
        """What MLflow makes of a dataset: its catalog entry's ``metadata: {mlflow: <role>}``
        (conf/base/catalog.yml); None: not logged."""
        dataset = self._catalog.get(dataset_name)
        role = (getattr(dataset, "metadata", None) or {}).get("mlflow")
        if role is not None and role not in ROLES:
            raise ValueError(
                f"conf/*/catalog.yml: {dataset_name}: metadata mlflow must be one of {ROLES}, "
                f"got {role!r}"
            )
        return role

    def _log_history(self, run: _NamespaceRun, dataset_name: str, history: pd.DataFrame) -> None:
        """The steps not logged while training ran, then the file."""
        self._client.log_batch(
            run.run_id, metrics=tracking.history_metrics(history[history["step"] > run.live_step])
        )
        self._log_file(run, dataset_name)

    def _log_images(self, run: _NamespaceRun, short: str, images: dict[str, Image.Image]) -> None:
        """Sample grids keyed ``step_000250`` as a stepped image history, others as files.

        Grids the run already has are skipped: those logged while training ran, including
        one whose upload landed as the server went away (``live_step`` did not advance then).
        """
        logged = tracking.logged_image_steps(self._client, run.run_id, short)
        for key, image in images.items():
            step = tracking.grid_step(key)
            if step is None:
                self._client.log_image(run.run_id, image, artifact_file=f"{short}/{key}.png")
            elif step not in logged:
                self._client.log_image(run.run_id, image, key=short, step=step)

    def _finish(self, namespace: str, run: _NamespaceRun) -> None:
        """Log (and register) the generator, move the ``best`` alias, close the run."""
        if run.generator is not None or run.fd is not None:
            what = "the generator model" if run.generator is not None else "the @best alias"
            self._track(run, what, self._log_model, namespace, run)
        self._track(run, None, self._client.set_terminated, run.run_id)
        if self._lost is not None:
            self._give_up(namespace, run)

    def _log_model(self, namespace: str, run: _NamespaceRun) -> None:
        # Unregistered (`register_model: false`, the test env): the model is logged with the
        # run, and no registered version or alias is touched.
        name = f"{namespace}-generator" if self._settings["register_model"] else None
        version = None
        if run.generator is not None:
            version = tracking.log_generator(run.run_id, run.generator, name, run.last_step)
            if version is not None and run.generator_md5:
                self._client.set_model_version_tag(
                    name, str(version), "file_md5", run.generator_md5
                )
        elif name and run.fd is not None and run.generator_md5:
            # An evaluation-only run: its generator was registered by the training run.
            version = tracking.version_by_file(self._client, name, run.generator_md5)
        if (
            version is not None
            and run.fd is not None
            and tracking.promote_if_best(self._client, name, version, run.fd)
        ):
            log.info(
                "%s version %s is now @%s (fd %.4g)", name, version, tracking.BEST_ALIAS, run.fd
            )

    def _log_file(self, run: _NamespaceRun, dataset_name: str) -> None:
        """Attach the file a dataset was saved to, if it has one."""
        path = self._filepath(dataset_name)
        if path and path.is_file():
            self._client.log_artifact(run.run_id, str(path))

    def _data_hash(self, dataset_name: str) -> str | None:
        path = self._filepath(dataset_name)
        return tracking.data_hash(path) if path else None

    def _filepath(self, dataset_name: str) -> Path | None:
        """The file or folder a catalog entry reads and writes; None for in-memory ones."""
        config = self._catalog.to_config()[0].get(dataset_name, {})
        location = config.get("filepath") or config.get("path")
        return Path(location) if location else None

    @contextmanager
    def _timed(self):
        started = time.perf_counter()
        try:
            yield
        finally:
            self._seconds += time.perf_counter() - started


class _LiveTraining(threading.Thread):
    """While a training node runs: every ``live_every_s`` seconds, what its newest checkpoint
    added (sample grids, history rows) and ``progress/*`` metrics, read from the files the
    training writes beside its checkpoints (``gan/files.py``), so ``mlflow ui`` shows a long run
    as it goes and a user can stop it early.

    The run's state folder is the one under ``checkpoint_dir`` whose ``progress.json`` was
    written since the node started (one training per checkpoint folder: ``run/lock.py``; told by
    a changed modification time, not by clocks, which a shared file system may not agree on). Its
    ``progress.json`` is written last at a checkpoint, so the record beside it holds that step.
    Best-effort like all tracking: a failed MLflow call turns tracking off (``_track``), a file
    it cannot read stops this thread with a warning; training never waits for it.
    """

    def __init__(self, hook: MlflowTracking, run: _NamespaceRun, checkpoint_dir: Path, key: str):
        super().__init__(name=f"mlflow-live-{run.name}", daemon=True)
        self.hook, self.tracked, self.checkpoint_dir, self.key = hook, run, checkpoint_dir, key
        self.every_s = float(hook._settings["live_every_s"])
        self._before = self._progress_files()  # what earlier runs left
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(self.every_s) and self.hook._lost is None:
            try:
                self.poll()
            except Exception as error:  # a file being damaged or removed: never stop training
                log.warning(
                    "%s: logging the training's checkpoints to MLflow while it runs stopped "
                    "(%s); they are logged when it ends",
                    self.tracked.name,
                    tracking.first_line(error),
                )
                return

    def stop(self) -> None:
        self._stopping.set()
        self.join()  # a call in flight is bounded by conf/base/mlflow.yml's http settings

    def _progress_files(self) -> dict[Path, int]:
        return {
            path: path.stat().st_mtime_ns for path in self.checkpoint_dir.glob(f"*/{PROGRESS_FILE}")
        }

    def poll(self) -> None:
        written = {
            path: mtime
            for path, mtime in self._progress_files().items()
            if self._before.get(path) != mtime
        }
        newest = max(written, key=written.get, default=None)
        if newest is None:
            return
        progress = json.loads(newest.read_text())
        step, run = int(progress["step"]), self.tracked
        if step <= run.live_step:
            return
        client, track = self.hook._client, self.hook._track
        # Grids first, the batch with progress/step last: a progress/step of N in the store
        # then means everything up to N is there (``_start_runs`` relies on it when adopting).
        # Only the new grids are decompressed: the file holds every checkpoint's.
        with np.load(newest.parent / GRIDS_FILE) as stored:
            grids = {
                int(name): stored[name]
                for name in stored.files
                if run.live_step < int(name) <= step
            }
        for grid_step in sorted(grids):
            log_image = partial(client.log_image, key=self.key, step=grid_step)
            track(run, None, log_image, run.run_id, to_pil(grids[grid_step]))
        history = pd.read_csv(newest.parent / HISTORY_FILE)
        rows = history[(history["step"] > run.live_step) & (history["step"] <= step)]
        now = int(time.time() * 1000)
        figures = {
            "step": step,
            "steps_left": progress["steps"] - step,
            "s_per_step": progress["s_per_step"],
            "eta_min": progress["eta_s"] / 60,
        }
        metrics = tracking.history_metrics(rows) + [
            Metric(f"progress/{name}", float(value), now, step) for name, value in figures.items()
        ]
        track(run, None, partial(client.log_batch, run.run_id, metrics=metrics))
        if self.hook._lost is None:
            run.live_step = step


def _split(dataset_name: str) -> tuple[str, str]:
    """``mnist.history`` -> (``mnist``, ``history``)."""
    return dataset_name.split(".", 1)[0], dataset_name.rsplit(".", 1)[-1]


def _data_tags(info: dict[str, Any]) -> dict[str, str]:
    """``data_info`` ({data_source, num_images, image_shape}) as run tags."""
    return {key: str(value) for key, value in info.items()}
