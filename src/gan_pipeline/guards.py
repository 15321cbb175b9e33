"""Kedro hooks that stop a run before any node runs or anything is written: unknown pipeline or
namespace names, bad parameters (``validation.py``), and a training already running into the
same checkpoint folder (``gan/lock.py``); and SIGTERM made a logged, resumable stop
(``gan/stopping.py``).

Registered after the other hooks in ``settings.py``, so pluggy calls them first: an error here
comes before an MLflow run is created.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

import click
from kedro.framework.hooks import hook_impl

from gan_pipeline import validation
from gan_pipeline.gan.cluster import is_chief_task
from gan_pipeline.gan.lock import TrainingLock
from gan_pipeline.gan.stopping import stop_on_sigterm

PIPELINES_PACKAGE = Path(__file__).parent / "pipelines"


class RunGuards:
    def __init__(self) -> None:
        self._locks: list[TrainingLock] = []

    @hook_impl
    def after_context_created(self, context) -> None:
        """``kedro run --pipelines/--namespaces`` names checked against the project's, before
        Kedro imports the pipelines (a misspelt pipeline is otherwise an ImportError)."""
        command = click.get_current_context(silent=True)
        if command is None:  # a KedroSession from Python: Kedro's own checks apply
            return
        pipelines = {p.name for p in PIPELINES_PACKAGE.iterdir() if (p / "pipeline.py").exists()}
        namespaces = set(context.config_loader["parameters"])  # parameters nest per dataset
        found = validation.check_names(
            "pipeline", command.params.get("pipelines") or [], pipelines | {"__default__"}
        ) + validation.check_names("namespace", command.params.get("namespaces") or [], namespaces)
        if found:
            raise validation.report(found)

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline, catalog) -> None:
        read = {
            name.removeprefix("params:"): catalog.load(name)
            for name in pipeline.inputs()
            if name.startswith("params:")
        }
        found = validation.check_parameters(read, run_params.get("runtime_params") or {})
        if found:
            raise validation.report(found)
        stop_on_sigterm()
        trained = {node.namespace for node in pipeline.nodes if node.name.endswith(".train")}
        for namespace in sorted(trained):
            train = read[f"{namespace}.train"]
            if train.get("distribution") == "multi_worker" and not is_chief_task():
                continue  # the chief alone writes the shared checkpoint folder, and locks it
            lock = TrainingLock(Path(train["checkpoint_dir"]))
            lock.acquire()  # raises when another run holds it; ours so far go at exit
            self._locks.append(lock)
        if self._locks:
            atexit.unregister(self._release)  # once per process, however many runs it makes
            atexit.register(self._release)

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog) -> None:
        self._release()

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog) -> None:
        self._release()

    def _release(self) -> None:
        while self._locks:
            self._locks.pop().release()
