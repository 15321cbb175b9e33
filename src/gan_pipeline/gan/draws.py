"""The random draws of a training step: stateful, or stateless from a seed tensor.

One interface for both backends (``backend.load("ops")``): TensorFlow draws from a (2,) int64
seed tensor with ``tf.random.stateless_*`` and keeps its stateful draws for ``seed=None``
(``ops_tf``: earlier runs' numbers hold); JAX draws with ``keras.random`` from a PRNG key
(``ops_jax``). Either way, the same seed gives the same numbers.
"""

from __future__ import annotations

from gan_pipeline.gan import backend

_ops = backend.load("ops")
normal = _ops.normal
uniform = _ops.uniform
split = _ops.split
fold_in = _ops.fold_in
