"""Keras callbacks that make a long GAN run safe to kill and easy to follow."""

from __future__ import annotations

import math
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from gan_pipeline.errors import ExpectedError
from gan_pipeline.gan.files import replacing
from gan_pipeline.gan.images import make_grid


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
        history = folder / "history.csv"
        if history.exists():
            frame = pd.read_csv(history)
            self.rows = frame[frame["step"] <= step].to_dict("records")
        grids = folder / "grids.npz"
        if grids.exists():
            with np.load(grids) as stored:
                self.grids = {int(k): stored[k] for k in stored.files if int(k) <= step}

    def save(self) -> None:
        """Write the record, each file replaced whole, so a kill mid-write leaves the last one."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with replacing(self.state_dir / "history.csv") as file:
            self.history().to_csv(file, index=False)
        with replacing(self.state_dir / "grids.npz") as file:
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
            last = tf.train.latest_checkpoint(str(self.checkpoint_dir))
            raise NonFiniteLossError(
                f"non-finite loss {bad} at step {step}; training stopped. "
                f"Last good checkpoint kept: {last or 'none yet'} (lower the learning rates, "
                "check the input data for NaNs, or use float32 precision)."
            )


class Checkpointing(StepCallback):
    """Writes G, D, both optimizers and the step at the end of every round of steps."""

    def __init__(
        self, manager: tf.train.CheckpointManager, step: tf.Variable, record: TrainingRecord
    ):
        super().__init__()
        self.manager = manager
        self.step = step
        self.record = record

    def on_epoch_end(self, epoch, logs=None):
        step = self.steps_before(epoch + 1)
        self.step.assign(step)
        self.record.sample_grid(step)
        # Record first: a checkpoint on disk then always has its history and grids beside it
        # (a kill between the two leaves extra rows, which restore() drops).
        self.record.save()
        self.manager.save(checkpoint_number=step)
