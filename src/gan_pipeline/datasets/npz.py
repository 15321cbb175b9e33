"""NumPy ``.npz`` archives: kedro-datasets has no dataset for NumPy's own array format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from kedro.io import AbstractDataset, DatasetError


class NpzDataset(AbstractDataset[dict[str, np.ndarray], dict[str, np.ndarray]]):
    """Saves a dict of named arrays as one compressed ``.npz``; loads it back as a dict.

    Loading never unpickles (``allow_pickle=False``), so an archive from elsewhere cannot run
    code; object arrays are refused on save for the same reason.

    Example catalog entry::

        mnist.generated_arrays:
          type: gan_pipeline.datasets.npz.NpzDataset
          filepath: data/07_model_output/mnist/samples.npz
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None):
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> dict[str, np.ndarray]:
        with np.load(self._filepath, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}

    def save(self, data: dict[str, np.ndarray]) -> None:
        arrays = {name: np.asarray(value) for name, value in data.items()}
        if objects := [name for name, array in arrays.items() if array.dtype == object]:
            raise DatasetError(f"{self._filepath}: arrays {objects} hold Python objects")
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(self._filepath, **arrays)

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
