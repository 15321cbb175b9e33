"""Where the generate pipeline's generator comes from: the trained file or an MLflow model.

The choice is a parameter (``generate.model_uri``), and datasets cannot read parameters, so
this dataset loads a ``GeneratorSource``: a loader that the node calls with the chosen URI,
like the load functions a ``PartitionedDataset`` hands out. An eager ``{dataset}.generator``
input would instead fail whenever only the MLflow model exists. The I/O and its errors stay
here, each naming the file or URI; the node only decides and checks the shapes.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import keras
import mlflow
from kedro.io import AbstractDataset, DatasetError

from gan_pipeline.datasets.errors import InputFileError


@dataclass(frozen=True)
class GeneratorSource:
    """Loads a Keras generator from ``filepath``, or from an MLflow model URI when given one."""

    filepath: Path
    safe_mode: bool = True

    def location(self, model_uri: str | None) -> str:
        """The file or URI that ``load(model_uri)`` reads, for messages."""
        return model_uri or str(self.filepath)

    def load(self, model_uri: str | None = None) -> keras.Model:
        return self._from_mlflow(model_uri) if model_uri else self._from_file()

    def _from_file(self) -> keras.Model:
        path = self.filepath
        if not path.is_file():
            raise InputFileError(
                f"{path}: no generator file. Train one first (`kedro run --pipelines="
                "data_processing,training --namespaces=<dataset>`), or set generate.model_uri "
                "to an MLflow model such as models:/<dataset>-generator@best."
            )
        if path.suffix == ".h5" and not h5py.is_hdf5(path):
            kind = (
                "a zip archive, i.e. a native .keras file saved under an .h5 name: rename it"
                if zipfile.is_zipfile(path)
                else "not a Keras model file"
            )
            raise InputFileError(f"{path}: not an HDF5 file ({kind})")
        try:
            return keras.saving.load_model(path, compile=False, safe_mode=self.safe_mode)
        except ValueError as error:
            if "safe_mode" in str(error):
                raise InputFileError(
                    f"{path}: refused by Keras safe mode, which does not run code stored in "
                    f"a model file (Lambda layers): {error}. If you trust the file, set "
                    "load_args: {safe_mode: false} on its catalog entry."
                ) from error
            raise InputFileError(f"{path}: not a loadable Keras model: {error}") from error
        except (OSError, TypeError, KeyError) as error:  # h5py and Keras' config parsing
            raise InputFileError(f"{path}: not a loadable Keras model: {error}") from error

    @staticmethod
    def _from_mlflow(model_uri: str) -> keras.Model:
        try:
            model = mlflow.pyfunc.load_model(model_uri).get_raw_model()
        except (mlflow.MlflowException, OSError) as error:
            raise InputFileError(
                f"{model_uri}: cannot load it from MLflow at {mlflow.get_tracking_uri()}: {error}"
            ) from error
        except NotImplementedError as error:  # pyfunc models without a raw model
            raise InputFileError(f"{model_uri}: not a Keras model") from error
        if not isinstance(model, keras.Model):
            raise InputFileError(f"{model_uri}: not a Keras model but a {type(model).__name__}")
        return model


class GeneratorSourceDataset(AbstractDataset[None, GeneratorSource]):
    """Read-only; loads a ``GeneratorSource`` without touching the file or MLflow yet.

    Example catalog entry::

        "{dataset}.generator_source":
          type: gan_pipeline.datasets.generator_source.GeneratorSourceDataset
          filepath: data/06_models/{dataset}/Generator.h5   # .h5 (HDF5) or .keras
          load_args: {safe_mode: true}                       # the default
    """

    def __init__(
        self,
        filepath: str,
        load_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ):
        self._source = GeneratorSource(Path(filepath), **(load_args or {}))
        self.metadata = metadata

    def load(self) -> GeneratorSource:
        return self._source

    def save(self, data: None) -> None:
        raise DatasetError("GeneratorSourceDataset is read-only; training writes the generator")

    def _exists(self) -> bool:
        return self._source.filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._source.filepath), "safe_mode": self._source.safe_mode}
