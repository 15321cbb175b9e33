"""Keras callbacks that make a long GAN run safe to kill and easy to follow."""

from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from gan_pipeline.errors import ExpectedError
from gan_pipeline.gan import backend
from gan_pipeline.gan.files import GRIDS_FILE, HISTORY_FILE, PROGRESS_FILE, replacing
from gan_pipeline.gan.images import make_grid

log = logging.getLogger(__name__)


class NonFiniteLossError(ExpectedError, RuntimeError):
    """A loss became NaN or inf; training stopped before any checkpoint of it was written."""


class StepCallback(keras.callbacks.Callback):
    """A callback that knows the global training step, the number checkpoints, the history
    and the quality curve are keyed by.

    ``fit`` counts rounds (epochs: one per checkpoint, ``params["steps"]`` steps each) and
    batches within a round; a resumed fit starts at a later round (``initial_epoch``).
    Subclasses that override ``on_epoch_begin`` call this one first.
    """

    _epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def steps_before(self, epoch: int) -> int:
        """Steps done when round ``epoch`` begins."""
        return epoch * self.params["steps"]

    def step_after(self, batch: int) -> int:
        """The global step just done, from ``on_train_batch_end``'s ``batch``."""
        return self.steps_before(self._epoch) + batch + 1


class TrainingRecord(StepCallback):
    """Per-step loss history, images/s and fixed-noise sample grids, kept across resumes.

    The record lives beside the checkpoints (``history.csv``, ``grids.npz``) and is written at
    every checkpoint, so a resumed run continues the same curves instead of starting new ones.
    """

    def __init__(self, state_dir: Path, fixed_noise: np.ndarray, batch_size: int):
        super().__init__()
        self.state_dir = Path(state_dir)
        self.fixed_noise = fixed_noise
        self.batch_size = batch_size
        self.rows: list[dict[str, float]] = []
        self.grids: dict[int, np.ndarray] = {}
        self._last_batch = 0
        self._tick = 0.0

    def restore(self, folder: Path, step: int) -> None:
        """Reload what was recorded in ``folder`` up to the restored checkpoint ``step``."""
        history = folder / HISTORY_FILE
        if history.exists():
            frame = pd.read_csv(history)
            self.rows = frame[frame["step"] <= step].to_dict("records")
        grids = folder / GRIDS_FILE
        if grids.exists():
            with np.load(grids) as stored:
                self.grids = {int(k): stored[k] for k in stored.files if int(k) <= step}

    def save(self) -> None:
        """Write the record, each file replaced whole, so a kill mid-write leaves the last one."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with replacing(self.state_dir / HISTORY_FILE) as file:
            self.history().to_csv(file, index=False)
        with replacing(self.state_dir / GRIDS_FILE) as file:
            np.savez_compressed(file, **{str(k): v for k, v in self.grids.items()})

    def history(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def sample_grid(self, step: int) -> None:
        samples = self.model.sampler(self.fixed_noise, training=False)
        self.grids[step] = make_grid(np.asarray(samples, dtype=np.float32))

    def on_epoch_begin(self, epoch, logs=None):
        super().on_epoch_begin(epoch, logs)
        self._last_batch = 0
        self._tick = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        # With steps_per_execution > 1 Keras calls this once per executed chunk.
        now = time.perf_counter()
        done = batch + 1 - self._last_batch
        logs["img_per_s"] = done * self.batch_size / max(now - self._tick, 1e-9)
        self._tick, self._last_batch = now, batch + 1
        self.rows.append({"step": self.step_after(batch), **{k: float(v) for k, v in logs.items()}})


class NonFiniteLossGuard(StepCallback):
    """Stops training with a clear error on the first NaN/inf loss.

    Runs before the checkpoint callback, so the last checkpoint on disk stays the last good one.
    """

    def __init__(self, checkpoint_dir: Path, keys: tuple[str, ...] = ("d_loss", "g_loss")):
        super().__init__()
        self.checkpoint_dir = checkpoint_dir
        self.keys = keys

    def on_train_batch_end(self, batch, logs=None):
        bad = {k: float(logs[k]) for k in self.keys if not math.isfinite(float(logs[k]))}
        if bad:
            step = self.step_after(batch)
            last = backend.load("engine").newest_checkpoint(self.checkpoint_dir)
            raise NonFiniteLossError(
                f"non-finite loss {bad} at step {step}; training stopped. "
                f"Last good checkpoint kept: {last or 'none yet'} (lower the learning rates, "
                "check the input data for NaNs, or use float32 precision)."
            )


class Checkpointing(StepCallback):
    """Writes G, D, both optimizers and the step at the end of every round of steps, through
    the backend's ``Checkpoints`` (``engine_tf``, ``engine_jax``)."""

    def __init__(self, checkpoints, record: TrainingRecord):
        super().__init__()
        self.checkpoints = checkpoints
        self.record = record

    def on_epoch_end(self, epoch, logs=None):
        step = self.steps_before(epoch + 1)
        self.record.sample_grid(step)
        # Record first: a checkpoint on disk then always has its history and grids beside it
        # (a kill between the two leaves extra rows, which restore() drops).
        self.record.save()
        self.checkpoints.save(step)


class Progress(StepCallback):
    """At every checkpoint: one log line with the steps left and an estimate of the time left,
    and the same figures in ``progress.json`` of the state folder (the tracking hook reads it
    while the run goes on).

    The speed is this process's own over its last ``window`` rounds, so a resumed run estimates
    from its steps, not the earlier process's. The first round includes tracing and compiling
    the step: it is used alone (and says so) until a later round is done, then left out.
    Runs after ``Checkpointing``: the figures then count the checkpoint's cost, and a
    ``progress.json`` of step N means the record and the checkpoint of step N are on disk.
    """

    def __init__(self, write_dir: Path, steps: int, name: str, window: int = 4):
        super().__init__()
        self.write_dir = Path(write_dir)
        self.steps = steps
        self.name = name
        self.window = window
        self._ends: list[tuple[int, float]] = []  # (step, time) at each round's end, and start

    def on_epoch_begin(self, epoch, logs=None):
        super().on_epoch_begin(epoch, logs)
        if not self._ends:  # the first round of this process: it starts (or resumes) here
            self._ends.append((self.steps_before(epoch), time.perf_counter()))

    def on_epoch_end(self, epoch, logs=None):
        self._ends.append((self.steps_before(epoch + 1), time.perf_counter()))
        first = len(self._ends) == 2
        since = 0 if first else max(1, len(self._ends) - 1 - self.window)
        (begun, started), (step, now) = self._ends[since], self._ends[-1]
        per_step = (now - started) / (step - begun)
        left = self.steps - step
        eta_s = left * per_step
        log.info(
            "%s: step %s of %s (%s left), %.3g s/step over the last %s%s, %s",
            self.name,
            f"{step:,}",
            f"{self.steps:,}",
            f"{left:,}",
            per_step,
            f"{step - begun:,}",
            " (includes compiling the step)" if first else "",
            f"about {_duration(eta_s)} left" if left else "done",
        )
        progress = {"step": step, "steps": self.steps, "s_per_step": per_step, "eta_s": eta_s}
        self.write_dir.mkdir(parents=True, exist_ok=True)
        with replacing(self.write_dir / PROGRESS_FILE) as file:
            file.write(json.dumps(progress).encode())


def _duration(seconds: float) -> str:
    """A time left as a person reads it: 40 s, 28 min, 3.5 h."""
    if seconds < 90:
        return f"{math.ceil(seconds)} s"
    if seconds < 120 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
