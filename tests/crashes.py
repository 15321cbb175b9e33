"""Simulated failures at a chosen training step, for resume tests (importable: `pythonpath =
tests`, and from scripts in tests/ run as subprocesses)."""

from __future__ import annotations

import os
import signal

from gan_pipeline.gan.callbacks import StepCallback


class AtStep(StepCallback):
    """Calls ``act`` once global step ``step`` has ended; callbacks listed before it have run
    for that step."""

    def __init__(self, step: int):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if self.step_after(batch) == self.step:
            self.act()

    def act(self) -> None:
        raise NotImplementedError


class CrashAt(AtStep):
    """Raises: a crash the training process survives long enough to unwind."""

    def act(self) -> None:
        raise RuntimeError("simulated crash")


class KillAt(AtStep):
    """SIGKILLs this process, as ``kill -9`` would: no handler, no cleanup runs."""

    def act(self) -> None:
        os.kill(os.getpid(), signal.SIGKILL)
