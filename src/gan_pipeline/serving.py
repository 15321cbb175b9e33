"""The generator as an MLflow model whose pyfunc refuses bad requests with an HTTP 400.

MLflow's Keras flavor predicts on whatever passes the signature, so a request for a million
images would run out of memory or time. This module is an MLflow *loader module*, the
pyfunc API for models stored as their own files: ``save_model`` writes the generator as a
native ``.keras`` file (loaded with Keras' safe mode) and names this module as its loader;
``_load_pyfunc`` wraps it in ``GeneratorService``, whose ``predict`` checks each request.
Nothing is pickled, unlike a ``PythonModel`` (MLflow warns about that on every log), and
``get_raw_model()`` hands back the Keras generator, as the Keras flavor's pyfunc does.

The signature (latent vectors of the generator's width, float32) makes MLflow itself answer
a wrong latent size or non-numeric values with 400 INVALID_PARAMETER_VALUE / BAD_REQUEST;
``predict`` adds the checks a schema cannot express. Its ``MlflowException`` with
``INVALID_PARAMETER_VALUE`` becomes an HTTP 400 whose JSON body carries the message and no
traceback. Serving needs this package importable: ``--env-manager local`` in the project's
environment (docs/serving-and-generating.md).
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
        self.max_images = max(1, MAX_OUTPUT_VALUES // math.prod(generator.output_shape[1:]))

    def get_raw_model(self) -> keras.Model:
        return self.generator

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> np.ndarray:
        latents = np.asarray(data, dtype=np.float32)
        if not 1 <= len(latents) <= self.max_images:
            raise MlflowException(
                f"Send between 1 and {self.max_images} latent vectors per request (images "
                f"of shape {self.generator.output_shape[1:]}); got {len(latents)}.",
                error_code=INVALID_PARAMETER_VALUE,
            )
        if not np.isfinite(latents).all():
            raise MlflowException(
                "Latent vectors must be finite numbers; got NaN or infinity.",
                error_code=INVALID_PARAMETER_VALUE,
            )
        return self.generator.predict(latents, verbose=0)


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
