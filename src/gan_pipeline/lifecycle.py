"""The process around a run: SIGTERM made a logged, resumable stop (``run/stopping.py``), and one
training per checkpoint folder (``run/lock.py``), held from the pipeline's start to its end, its
error or the process's exit, whether or not the run is tracked.

Registered between the guards and the other hooks in ``settings.py``: pluggy calls it after the
names and parameters are checked and before an MLflow run is created, so a refused lock leaves
no MLflow run behind.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl

from gan_pipeline.run.lock import TrainingLock
from gan_pipeline.run.plan import namespaces
from gan_pipeline.run.stopping import stop_on_sigterm


class RunLifecycle:
    def __init__(self) -> None:
        self._locks: list[TrainingLock] = []

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline, catalog) -> None:
        stop_on_sigterm()
        for namespace in namespaces(pipeline, catalog):
            if not (namespace.trains and namespace.chief):
                continue  # the chief alone writes the shared checkpoint folder, and locks it
            lock = TrainingLock(Path(namespace.train["checkpoint_dir"]))
            lock.acquire()  # raises when another run holds it; ours so far go at exit
            self._locks.append(lock)
        if self._locks:
            # Registered after run/stopping.py's exit handler, so it runs before it (last
            # registered first); the tracking hook registers its own later and runs first.
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
