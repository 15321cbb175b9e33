"""Input, checkpoints and distribution under TensorFlow: ``tf.data``, ``tf.train``,
``tf.distribute`` (``training.train`` takes them from here when Keras runs on TensorFlow)."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from gan_pipeline.gan import checkpoints
from gan_pipeline.gan.distribution import is_chief, make_strategy
from gan_pipeline.gan.images import with_mirrored
from gan_pipeline.gan.step_tf import pack_labels

__all__ = ["RETRYABLE", "Checkpoints", "is_chief", "make_dataset", "make_strategy"]

set_random_seed = keras.utils.set_random_seed  # Python's, NumPy's, Keras' and TensorFlow's

# What a lost multi-worker peer raises during fit: a restart of every worker resumes.
RETRYABLE = (tf.errors.UnavailableError, tf.errors.DeadlineExceededError)

# What a damaged checkpoint raises on restore: a short read, a bad table, a wrong structure.
DAMAGE = (tf.errors.OpError, IndexError, ValueError, AssertionError)


def make_dataset(
    images: np.ndarray,
    batch_size: int,
    seed: int,
    labels: np.ndarray | None = None,
    mirror: bool = False,
) -> tf.data.Dataset:
    """Endless shuffled batches, cached and prefetched so the step never waits on input;
    with ``labels``, each batch carries them as an extra channel (``model.pack_labels``).
    ``mirror`` adds a left-right flipped copy of every image (StyleGAN's ``--mirror``): twice
    the photos for a few-shot set of near-symmetric faces, at no cost per step.

    Under a multi-worker strategy each worker takes its share of every batch (DATA sharding:
    the array is in memory, there are no files to shard).
    """
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    if mirror:
        images, labels = with_mirrored(images, labels)
    data = images.astype(np.float32)
    if labels is not None:
        data = (data, labels.astype(np.float32))
    batches = (
        tf.data.Dataset.from_tensor_slices(data)
        .cache()
        .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(batch_size, drop_remainder=True)
    )
    if labels is not None:
        batches = batches.map(pack_labels)
    return batches.prefetch(tf.data.AUTOTUNE).with_options(options)


class Checkpoints:
    """G, the sampler (EMA copy), D, the decoder, both optimizers, the step and the LeCam
    averages as ``tf.train`` checkpoints ``ckpt-<step>``, the newest two kept.

    Made inside the strategy's scope (the step is a variable of it)."""

    def __init__(self, gan):
        self._step = tf.Variable(0, dtype=tf.int64, name="step")
        self._checkpoint = tf.train.Checkpoint(
            generator=gan.generator,
            sampler=gan.sampler,  # the EMA copy, or the generator again when EMA is off
            discriminator=gan.discriminator,
            g_optimizer=gan.g_optimizer,
            d_optimizer=gan.d_optimizer,
            step=self._step,
            **({} if gan.decoder is None else {"decoder": gan.decoder}),
            **({} if gan.logit_averages is None else {"logit_averages": gan.logit_averages}),
        )
        self._manager: tf.train.CheckpointManager | None = None

    @property
    def step(self) -> int:
        """The step of the restored (or last saved) checkpoint; 0 before any."""
        return int(self._step.numpy())

    def restore(self, folder: Path) -> str | None:
        """Restore the newest intact checkpoint in ``folder`` (``checkpoints``); its prefix."""
        return checkpoints.restore_newest_intact(
            checkpoints.newest_first(Path(folder), ".index"),
            lambda prefix: self._checkpoint.restore(prefix).assert_existing_objects_matched(),
            DAMAGE,
            _damaged_file,
        )

    def keep_in(self, folder: Path) -> None:
        """Write the checkpoints to come into ``folder``; two kept: one survives when the
        newest is damaged."""
        self._manager = tf.train.CheckpointManager(self._checkpoint, str(folder), max_to_keep=2)

    def save(self, step: int) -> None:
        self._step.assign(step)
        self._manager.save(checkpoint_number=step)

    def latest(self) -> tuple[int, Path] | None:
        """The step and folder of the newest checkpoint this run wrote or found."""
        saved = self._manager.latest_checkpoint if self._manager else None
        return (int(saved.rsplit("-", 1)[1]), Path(saved).parent) if saved else None


def sync_variables(model) -> None:
    """Nothing to do: TensorFlow's step updates the variables themselves."""


def newest_checkpoint(folder: Path) -> str | None:
    """The newest checkpoint in ``folder`` by TensorFlow's own record, or None."""
    return tf.train.latest_checkpoint(str(folder))


def _damaged_file(prefix: str) -> str:
    """The index file if it cannot be read, else the data file(s) it points into."""
    try:
        tf.train.load_checkpoint(prefix)
    except DAMAGE:
        return f"{prefix}.index"
    data = sorted(Path(prefix).parent.glob(f"{Path(prefix).name}.data-*"))
    return ", ".join(str(path) for path in data)
