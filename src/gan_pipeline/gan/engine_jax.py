"""Input, checkpoints and distribution under JAX, with no TensorFlow: numpy batches, Keras'
own ``.weights.h5`` files, one device (``training.train`` takes them from here under JAX)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import h5py
import keras
import numpy as np

from gan_pipeline.gan import checkpoints
from gan_pipeline.gan.images import with_mirrored

SUFFIX = ".weights.h5"

# JAX has no peers to lose: nothing to retry.
RETRYABLE: tuple[type[Exception], ...] = ()

# What a damaged weights file raises on load: h5py's short reads, a missing or misshapen entry.
DAMAGE = (OSError, KeyError, ValueError, IndexError, RuntimeError)


def set_random_seed(seed: int) -> None:
    """``keras.utils.set_random_seed`` (Python's, NumPy's and Keras' seeds) without the
    TensorFlow import it makes wherever TensorFlow is installed, to seed it too: seconds of
    start-up and its memory, for nothing a JAX run draws. TensorFlow is hidden from that one
    import, so Keras records it as absent for this process, as on a machine without it."""
    if "tensorflow" in sys.modules:
        keras.utils.set_random_seed(seed)
        return
    sys.modules["tensorflow"] = None  # an import of it now raises ImportError
    try:
        keras.utils.set_random_seed(seed)
    finally:
        del sys.modules["tensorflow"]


def make_dataset(
    images: np.ndarray,
    batch_size: int,
    seed: int,
    labels: np.ndarray | None = None,
    mirror: bool = False,
) -> Iterator[tuple[np.ndarray, ...]]:
    """Endless batches, as ``engine_tf.make_dataset`` gives them: the images reshuffled on
    every pass (from ``seed``), batches running on across passes, the last partial one never
    seen; ``(images,)``, or ``(images, labels)`` with ``labels`` as (N, 1) int32. ``mirror``
    adds a left-right flipped copy of every image."""
    if mirror:
        images, labels = with_mirrored(images, labels)
    data = images.astype(np.float32)
    classes = None if labels is None else labels.astype(np.int32).reshape(-1, 1)
    rng = np.random.default_rng(seed)
    order = np.empty(0, dtype=np.int64)
    while True:
        while len(order) < batch_size:
            order = np.concatenate([order, rng.permutation(len(data))])
        taken, order = order[:batch_size], order[batch_size:]
        yield (data[taken],) if classes is None else (data[taken], classes[taken])


class Local:
    """The one-device "strategy" of a JAX run: nothing to scope, always the chief."""

    def scope(self) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()


def make_strategy(distribution: str, devices=None, timeout_s=None) -> Local:
    """One device: ``distribution`` is ``auto`` here, as ``TrainConfig`` refuses the
    ``tf.distribute`` settings under JAX when it is built."""
    return Local()


def is_chief(strategy: Local) -> bool:
    return True


class Checkpoints:
    """The whole GAN as Keras' own weights file per checkpoint, ``ckpt-<step>.weights.h5``:
    G, its EMA copy, D, the decoder, both optimizers' variables (the step is G's optimizer's
    step count) and the LeCam averages; the newest two kept.

    A file is written under a ``_temp`` name and renamed when complete, so a kill mid-write
    leaves the checkpoints before it intact (``checkpoints.remove_partial_writes``)."""

    def __init__(self, gan):
        self._gan = gan
        self._folder: Path | None = None
        self._latest: int | None = None

    @property
    def step(self) -> int:
        """The step of the restored (or last saved) checkpoint; 0 before any."""
        return int(np.asarray(self._gan.g_optimizer.iterations))

    def restore(self, folder: Path) -> str | None:
        """Restore the newest intact checkpoint in ``folder`` (``checkpoints``); its prefix."""
        restored = checkpoints.restore_newest_intact(
            checkpoints.newest_first(Path(folder), SUFFIX),
            self._load,
            DAMAGE,
            lambda prefix: prefix + SUFFIX,
        )
        if restored:
            self._latest = self.step
        return restored

    def _load(self, prefix: str) -> None:
        # h5py reads a truncated file's header fine: read every entry first, then load.
        with h5py.File(prefix + SUFFIX, "r") as file:
            file.visititems(lambda _, entry: entry[()] if isinstance(entry, h5py.Dataset) else None)
        self._gan.load_weights(prefix + SUFFIX)
        step = int(prefix.rsplit("-", 1)[1])
        if self.step != step:
            raise ValueError(f"{prefix}{SUFFIX} holds step {self.step}, not {step}")

    def keep_in(self, folder: Path) -> None:
        self._folder = Path(folder)

    def save(self, step: int) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        prefix = self._folder / f"{checkpoints.PREFIX}-{step}"
        partial = self._folder / f"{checkpoints.PREFIX}-{step}_temp{SUFFIX}"
        self._gan.save_weights(partial)
        os.replace(partial, f"{prefix}{SUFFIX}")
        self._latest = step
        for older in checkpoints.newest_first(self._folder, SUFFIX)[2:]:
            Path(older + SUFFIX).unlink()

    def latest(self) -> tuple[int, Path] | None:
        """The step and folder of the newest checkpoint this run wrote or found."""
        return None if self._latest is None else (self._latest, self._folder)


def sync_variables(model) -> None:
    """Bring the step's state into ``model``'s variables: mid-round, Keras' JAX trainer keeps
    it outside them (a callback that samples between checkpoints calls this first)."""
    model.jax_state_sync()


def newest_checkpoint(folder: Path) -> str | None:
    """The newest checkpoint file in ``folder``, or None."""
    found = checkpoints.newest_first(Path(folder), SUFFIX)
    return found[0] + SUFFIX if found else None
