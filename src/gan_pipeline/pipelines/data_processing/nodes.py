"""Raw data -> float32 image arrays in [-1, 1]."""

from __future__ import annotations

from typing import Any

import numpy as np


def scale_to_unit_range(images: np.ndarray) -> np.ndarray:
    """uint8 pixels [0, 255] -> float32 [-1, 1]."""
    return images.astype(np.float32) / 127.5 - 1.0


def preprocess_mnist(raw: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """MNIST digits -> (N, 28, 28, 1) float32 in [-1, 1], labels, and a record of the data used.

    The record (``data_source``, counts) travels with the run so a result trained on the
    5,000-digit fallback sample is never mistaken for one trained on the full set.
    """
    images, labels = np.asarray(raw["images"]), np.asarray(raw["labels"])
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"MNIST images must be uint8 (N, H, W), got {images.dtype} {images.shape}")
    info = {
        "data_source": raw["source"],
        "num_images": len(images),
        "image_shape": [*images.shape[1:], 1],
    }
    return scale_to_unit_range(images)[..., np.newaxis], labels.astype(np.int64), info
