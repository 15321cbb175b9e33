"""The one place that picks per-backend code, from the Keras backend of this process.

Keras fixes its backend at import (``KERAS_BACKEND``). What Keras leaves to each backend here
lives in one small module per backend, named ``<kind>_tf`` or ``<kind>_jax``: ``ops`` (stateless
draws from a seed tensor, gradients with respect to inputs), ``step`` (the GAN's gradient
step) and ``engine`` (input, checkpoints, distribution). Everything else is written once, in
``keras`` and ``keras.ops``. Under JAX no module of the chosen set imports TensorFlow.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import keras

NAME = keras.backend.backend()
SUFFIXES = {"tensorflow": "tf", "jax": "jax"}


def load(kind: str) -> ModuleType:
    """The ``kind`` module of this process's backend."""
    if NAME not in SUFFIXES:
        raise RuntimeError(
            f"KERAS_BACKEND={NAME!r}: the GAN trains under {' or '.join(SUFFIXES)} only"
        )
    return importlib.import_module(f"gan_pipeline.gan.{kind}_{SUFFIXES[NAME]}")
