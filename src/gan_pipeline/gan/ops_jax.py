"""JAX's side of what ``keras.ops`` lacks: draws from a seed key, input gradients.

A seed is a raw JAX PRNG key (uint32, shape (2,), ``GAN.step_seed``); the draws are
``keras.random``'s, which take such a key as it is. ``seed=None`` draws from Keras' global
seed generator (``keras.utils.set_random_seed``); the training step never does.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import keras
from jax import numpy as jnp


def normal(shape, seed: jax.Array | None) -> jax.Array:
    """Standard normal numbers of ``shape``."""
    return keras.random.normal(shape, seed=seed)


def uniform(shape, seed: jax.Array | None, minval=0, maxval=None, dtype="float32") -> jax.Array:
    """Uniform numbers in [minval, maxval) (maxval 1 for floats when not given)."""
    if jnp.issubdtype(dtype, jnp.integer):
        return keras.random.randint(shape, minval, maxval, dtype, seed=seed)
    return keras.random.uniform(shape, minval, 1.0 if maxval is None else maxval, dtype, seed)


def split(seed: jax.Array | None, count: int) -> list[jax.Array | None]:
    """``count`` independent keys from ``seed`` (``None`` stays ``None``)."""
    if seed is None:
        return [None] * count
    return list(jax.random.split(seed, count))


def fold_in(seed: jax.Array | None, index: int) -> jax.Array | None:
    """A key of its own for the ``index``-th of several draws (``None`` stays ``None``)."""
    if seed is None:
        return None
    return jax.random.fold_in(seed, index)


def input_gradients(function: Callable[[jax.Array], jax.Array], inputs: jax.Array) -> jax.Array:
    """d sum(function(inputs)) / d inputs, per example.

    A ``function`` with a ``traced(inputs) -> (outputs, state)`` method (``step_jax.Critic``)
    is differentiated through that, and handed the state its call wrote (``record``): what a
    stateful call would have left behind under TensorFlow."""
    traced = getattr(function, "traced", None)
    if traced is None:
        outputs, pullback = jax.vjp(function, inputs)
    else:
        outputs, pullback, state = jax.vjp(traced, inputs, has_aux=True)
        function.record(state)
    return pullback(jnp.ones_like(outputs))[0]
