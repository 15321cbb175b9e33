"""Feature extractors: Keras models whose outputs are ``{"features": ...}`` and, for a classifier,
``{"probabilities": ...}``; the metrics take whatever they output, at any image size."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

FEATURES = "features"
PROBABILITIES = "probabilities"


def pixel_extractor(image_shape: tuple[int, int, int], size: int = 8) -> keras.Model:
    """Images -> pixels area-averaged to ``size x size`` (x channels), flattened.

    For datasets without labels or enough images to train a feature network (24 photos): it
    needs no weights and no download, keeps what distinguishes such photos (layout, pose,
    colours of skin, hair and background) and is identical across runs, so numbers compare.
    Area averaging is linear and separable, so it is two fixed ``Dense`` maps, one per image
    axis: the same numbers as TensorFlow's area resize at any factor, on every Keras backend
    (Keras' ``Resizing`` has ``area`` under TensorFlow only), in float32 under any precision.
    """
    height, width, _ = image_shape
    image = keras.Input(image_shape, name="image")
    by_row = layers.Permute((3, 1, 2), name="channels_first")(image)  # (C, H, W)
    across = _area_map(size, "downsample_width")
    by_column = layers.Permute((1, 3, 2), name="width_first")(across(by_row))  # (C, size, H)
    down = _area_map(size, "downsample_height")
    pooled = layers.Permute((3, 2, 1), name="channels_last")(down(by_column))  # (size, size, C)
    model = keras.Model(image, {FEATURES: layers.Flatten(name=FEATURES)(pooled)}, name="pixels")
    across.set_weights([area_weights(width, size)])
    down.set_weights([area_weights(height, size)])
    return model


def _area_map(size: int, name: str) -> layers.Dense:
    return layers.Dense(size, use_bias=False, trainable=False, dtype="float32", name=name)


def area_weights(length: int, size: int) -> np.ndarray:
    """(length, size): the share of input pixel ``i`` in output pixel ``j`` when ``length``
    pixels are averaged into ``size`` equal boxes (fractions where a box edge cuts a pixel)."""
    box = length / size
    edges = np.arange(size + 1) * box
    pixels = np.arange(length)[:, np.newaxis]
    overlap = np.minimum(pixels + 1, edges[1:]) - np.maximum(pixels, edges[:-1])
    return (np.clip(overlap, 0, None) / box).astype(np.float32)


def area_resize(images, height: int, width: int):
    """``tf.image.resize(..., method="area")`` for shrinking, in ``keras.ops``: the same numbers
    on every backend and under XLA, which has no kernel for TensorFlow's ``ResizeArea``."""
    rows = area_weights(images.shape[1], height)
    columns = area_weights(images.shape[2], width)
    return ops.einsum("ho,nhwc,wp->nopc", rows, images, columns)


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
