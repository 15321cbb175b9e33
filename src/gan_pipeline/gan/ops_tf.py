"""TensorFlow's side of what ``keras.ops`` lacks: draws from a seed tensor, input gradients.

``seed=None`` is TensorFlow's stateful draw, seeded by ``keras.utils.set_random_seed``: what
every run without XLA uses, so their numbers stay those of earlier runs. XLA ignores those op
seeds, so an XLA-compiled step passes a seed tensor (shape (2,), ``GAN.step_seed``) and draws
statelessly (``tf.random.stateless_*``): the same seed, the same numbers. ``keras.random``
is not used here: it refuses a seed tensor under TensorFlow and folds int64 seeds into int32
ones, which would change the numbers of every XLA run made so far.
"""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf


def normal(shape, seed: tf.Tensor | None) -> tf.Tensor:
    """Standard normal numbers of ``shape``."""
    if seed is None:
        return tf.random.normal(shape)
    return tf.random.stateless_normal(shape, seed)


def uniform(shape, seed: tf.Tensor | None, minval=0, maxval=None, dtype="float32") -> tf.Tensor:
    """Uniform numbers in [minval, maxval) (maxval 1 for floats when not given)."""
    if seed is None:
        return tf.random.uniform(shape, minval, maxval, dtype=dtype)
    return tf.random.stateless_uniform(shape, seed, minval, maxval, dtype)


def split(seed: tf.Tensor | None, count: int) -> list[tf.Tensor | None]:
    """``count`` independent seeds from ``seed`` (``None`` stays ``None``)."""
    if seed is None:
        return [None] * count
    return tf.unstack(tf.random.experimental.stateless_split(seed, count))


def fold_in(seed: tf.Tensor | None, index: int) -> tf.Tensor | None:
    """A seed of its own for the ``index``-th of several draws (``None`` stays ``None``)."""
    if seed is None:
        return None
    return tf.random.experimental.stateless_fold_in(seed, index)


def input_gradients(function: Callable[[tf.Tensor], tf.Tensor], inputs: tf.Tensor) -> tf.Tensor:
    """d sum(function(inputs)) / d inputs, per example."""
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = function(inputs)
    return tape.gradient(outputs, inputs)
