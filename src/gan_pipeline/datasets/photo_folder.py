"""The user's photo folder: a ``PartitionedDataset`` that falls back to the example photos
the project ships, and whose empty-folder error says what to do."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kedro_datasets.partitions import PartitionedDataset

from gan_pipeline.datasets.errors import InputFileError

logger = logging.getLogger(__name__)


class PhotoFolderDataset(PartitionedDataset):
    """Loads like ``PartitionedDataset``. A missing or empty folder loads ``example_path``
    instead (with a warning), so the faces pipeline runs right after a clone; without one it
    names itself and tells the user where to put photos and how to track them, instead of
    "No partitions found".

    Example catalog entry::

        faces.raw:
          type: gan_pipeline.datasets.photo_folder.PhotoFolderDataset
          path: data/01_raw/faces          # the user's photos (DVC-tracked)
          example_path: examples/faces     # in git: used while the folder above is empty
          dataset: {type: text.TextDataset, fs_args: {open_args_load: {mode: rb}}}
    """

    def __init__(self, *, path: str, example_path: str | None = None, **kwargs: Any):
        super().__init__(path=path, **kwargs)
        self._examples = PartitionedDataset(path=example_path, **kwargs) if example_path else None

    def load(self) -> dict[str, Callable[[], Any]]:
        if self._list_partitions():
            return super().load()
        if self._examples is not None:
            logger.warning(
                "No photos in '%s': using the %d example photos in '%s'. Put your own photos "
                "in '%s' to train on them (docs/faces.md).",
                self._path,
                len(self._examples._list_partitions()),
                self._examples._path,
                self._path,
            )
            return self._examples.load()
        raise InputFileError(
            f"No photos in '{self._path}' (missing or empty folder). Copy JPEG, PNG, WebP "
            f"or BMP photos there, track them with `dvc add {self._path}`, then rerun."
        )

    def _describe(self) -> dict[str, Any]:
        examples = self._examples._path if self._examples is not None else None
        return {**super()._describe(), "example_path": examples}
