"""Input checks shared by the metrics: a clear error instead of a silent wrong number."""

from __future__ import annotations

import numpy as np


def feature_matrix(values: np.ndarray, name: str, min_rows: int = 2) -> np.ndarray:
    """``values`` as finite float64 (N, D) with at least ``min_rows`` rows."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or len(array) < min_rows or not np.isfinite(array).all():
        raise ValueError(
            f"{name}: expected finite features of shape (N >= {min_rows}, D), got {array.shape}"
            + ("" if np.isfinite(array).all() else " with NaN/inf")
        )
    return array


def probability_matrix(values: np.ndarray, name: str) -> np.ndarray:
    """``values`` as (N, classes) rows of class probabilities that sum to 1."""
    array = feature_matrix(values, name, min_rows=1)
    if (array < 0).any() or not np.allclose(array.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(f"{name}: rows must be class probabilities (>= 0, summing to 1)")
    return array


def image_batch(values: np.ndarray, name: str, min_size: int = 7) -> np.ndarray:
    """``values`` as finite float (N, H, W, C) images in [-1, 1], each side >= ``min_size``."""
    array = np.asarray(values, dtype=np.float32)
    if array.ndim != 4 or min(array.shape[1:3], default=0) < min_size:
        raise ValueError(
            f"{name}: expected images of shape (N, H, W, C) with H, W >= {min_size}, "
            f"got {array.shape}"
        )
    if not np.isfinite(array).all() or array.min() < -1.001 or array.max() > 1.001:
        raise ValueError(f"{name}: pixel values must be finite and in [-1, 1]")
    return array
