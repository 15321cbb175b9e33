"""The generator as an MLflow model whose pyfunc refuses bad requests with an HTTP 400.

MLflow's Keras flavor predicts on whatever passes the signature, so a request for a million
images would run out of memory or time. This module is an MLflow *loader module*, the
pyfunc API for models stored as their own files: ``save_model`` writes the generator as a
native ``.keras`` file (loaded with Keras' safe mode) and names this module as its loader;
``_load_pyfunc`` wraps it in ``GeneratorService``, whose ``predict`` checks each request.
Nothing is pickled, unlike a ``PythonModel`` (MLflow warns about that on every log), and
``get_raw_model()`` hands back the Keras generator, as the Keras flavor's pyfunc does.

The signature records only the output (images); ``predict`` checks the input itself (numbers,
shape (N, latent_dim), count, finite), because MLflow's input-schema check answers with a
message that repeats the whole request body (6.4 kB for four MNIST latents). Its
``MlflowException`` with ``INVALID_PARAMETER_VALUE`` becomes an HTTP 400 whose JSON body says
what is wrong, without a traceback (MLflow's server puts numpy's summary of the input first).
Serving needs this package importable: ``--env-manager local`` in the project's environment
(docs/serving-and-generating.md).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import keras
import mlflow
import numpy as np
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

# Largest response, in output values: 4M float32 (16 MB, ~80 MB as JSON). That is 5,349
# MNIST digits, 341 images at 64x64x3, 15 at 300x300x3.
MAX_OUTPUT_VALUES = 2**22


class GeneratorService:
    """pyfunc implementation: latent vectors (N, latent_dim) -> images (N, H, W, C) in [-1, 1]."""

    def __init__(self, generator: keras.Model):
        self.generator = generator
        self.latent_dim = generator.input_shape[-1]
        self.max_images = max(1, MAX_OUTPUT_VALUES // math.prod(generator.output_shape[1:]))

    def get_raw_model(self) -> keras.Model:
        return self.generator

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> np.ndarray:
        """Images for ``data``, or an HTTP 400 that says what is wrong (never the input)."""
        try:
            latents = np.asarray(data, dtype=np.float32)
        except (TypeError, ValueError):
            message = "Latent vectors must be numbers; got text or ragged lists."
            raise _bad_request(message) from None
        if latents.ndim != 2 or latents.shape[1] != self.latent_dim:
            raise _bad_request(
                f"Send latent vectors of {self.latent_dim} numbers each, shape (N, "
                f"{self.latent_dim}); got an array of shape {latents.shape}."
            )
        if not 1 <= len(latents) <= self.max_images:
            raise _bad_request(
                f"Send between 1 and {self.max_images} latent vectors per request (images "
                f"of shape {self.generator.output_shape[1:]}); got {len(latents)}."
            )
        if not np.isfinite(latents).all():
            raise _bad_request("Latent vectors must be finite numbers; got NaN or infinity.")
        # A direct call: Keras' predict() sets up an input pipeline on every call, 78 ms
        # against 6.5 ms for four default MNIST images (docs/serving-and-generating.md).
        return np.asarray(self.generator(latents, training=False))


def _bad_request(message: str) -> MlflowException:
    return MlflowException(message, error_code=INVALID_PARAMETER_VALUE)


def save_model(
    path: str, model: keras.Model, validate_serving_input: bool = True, **kwargs: Any
) -> None:
    """``mlflow.pyfunc.save_model`` of a Keras generator, with this module as its loader.

    Shaped like a flavor's ``save_model``, so ``mlflow.models.Model.log(flavor=serving,
    model=generator, ...)`` logs it. ``Model.log`` hands its own ``validate_serving_input``
    switch on to the flavor; it is not a pyfunc argument, so it stops here.
    """
    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "generator.keras"
        model.save(saved)
        mlflow.pyfunc.save_model(path, loader_module=__name__, data_path=str(saved), **kwargs)


def _load_pyfunc(data_path: str) -> GeneratorService:
    """MLflow's loader-module entry point: ``data_path`` is the saved ``generator.keras``."""
    return GeneratorService(keras.saving.load_model(data_path, compile=False))
