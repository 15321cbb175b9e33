"""Feature extractors: Keras models whose outputs are ``{"features": ...}`` and, for a classifier,
``{"probabilities": ...}``; the metrics take whatever they output, at any image size."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

FEATURES = "features"
PROBABILITIES = "probabilities"


def pixel_extractor(image_shape: tuple[int, int, int], size: int = 8) -> keras.Model:
    """Images -> pixels area-averaged to ``size x size`` (x channels), flattened.

    For datasets without labels or enough images to train a feature network (24 photos): it
    needs no weights and no download, keeps what distinguishes such photos (layout, pose,
    colours of skin, hair and background) and is identical across runs, so numbers compare.
    """
    image = keras.Input(image_shape, name="image")
    pooled = layers.Resizing(size, size, interpolation="area", name="downsample")(image)
    return keras.Model(image, {FEATURES: layers.Flatten(name=FEATURES)(pooled)}, name="pixels")


def extract(
    extractor: keras.Model, images: np.ndarray, batch_size: int = 500
) -> tuple[np.ndarray, np.ndarray | None]:
    """Features and class probabilities (``None`` when the extractor has no classifier head)."""
    expected = tuple(extractor.input_shape[1:])
    if tuple(images.shape[1:]) != expected:
        raise ValueError(
            f"feature extractor {extractor.name!r} takes images of shape {expected}, "
            f"got {images.shape[1:]}"
        )
    outputs = extractor.predict(images, batch_size=batch_size, verbose=0)
    return outputs[FEATURES], outputs.get(PROBABILITIES)
