"""The user's photo folder: a ``PartitionedDataset`` whose empty-folder error says what to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kedro.io import DatasetError
from kedro_datasets.partitions import PartitionedDataset

from gan_pipeline.datasets.errors import InputFileError


class PhotoFolderDataset(PartitionedDataset):
    """Loads like ``PartitionedDataset``; a missing or empty folder names itself and tells the
    user where to put photos and how to track them, instead of "No partitions found"."""

    def load(self) -> dict[str, Callable[[], Any]]:
        try:
            return super().load()
        except DatasetError as error:
            if self._list_partitions():  # files exist: some other failure, keep its message
                raise
            raise InputFileError(
                f"No photos in '{self._path}' (missing or empty folder). Copy JPEG, PNG, WebP "
                f"or BMP photos there, track them with `dvc add {self._path}`, then rerun."
            ) from error
