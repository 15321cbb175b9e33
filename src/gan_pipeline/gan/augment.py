"""DiffAugment: differentiable augmentation of real *and* fake images before the discriminator.

Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training": with a few
dozen images D memorises the training set and G stops learning; augmenting both real and fake
images with the same differentiable transforms keeps D honest while G still gets gradients.

Hand-written after the paper's TensorFlow reference (mit-han-lab/data-efficient-gans,
``DiffAugment_tf.py``) rather than with ``keras.layers.Random*``: those layers clip to their
``value_range`` (zero gradient wherever a pixel saturates) and translate by resampling, whereas
DiffAugment's transforms must stay unclipped and exact so G's gradient passes through them.
Images are (N, H, W, C) floats in [-1, 1]; every transform draws its parameters per example,
from ``seed`` (``gan.draws``: a stateless seed tensor, or ``None`` for TensorFlow's stateful
draws).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import tensorflow as tf

from gan_pipeline.gan import draws


def _per_image(images: tf.Tensor, seed: tf.Tensor | None) -> tf.Tensor:
    """One uniform number in [0, 1) per image, shaped (N, 1, 1, 1)."""
    return draws.uniform([tf.shape(images)[0], 1, 1, 1], seed)


def brightness(images: tf.Tensor, seed: tf.Tensor | None) -> tf.Tensor:
    """Add one offset in [-0.5, 0.5) per image."""
    return images + (_per_image(images, seed) - 0.5)


def saturation(images: tf.Tensor, seed: tf.Tensor | None) -> tf.Tensor:
    """Scale each pixel's distance from its channel mean by a factor in [0, 2)."""
    mean = tf.reduce_mean(images, axis=3, keepdims=True)
    return (images - mean) * (_per_image(images, seed) * 2) + mean


def contrast(images: tf.Tensor, seed: tf.Tensor | None) -> tf.Tensor:
    """Scale each image's distance from its mean by a factor in [0.5, 1.5)."""
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * (_per_image(images, seed) + 0.5) + mean


def _shift_rows(images: tf.Tensor, shift: tf.Tensor) -> tf.Tensor:
    """Shift every image's rows by its own integer ``shift`` (N, 1), filling with zeros."""
    height = tf.shape(images)[1]
    # Index into a copy padded by one zero row on each side; clipped indices land on the pad.
    rows = tf.clip_by_value(tf.range(height)[tf.newaxis, :] + shift + 1, 0, height + 1)
    padded = tf.pad(images, [[0, 0], [1, 1], [0, 0], [0, 0]])
    return tf.gather(padded, rows, axis=1, batch_dims=1)


def translation(images: tf.Tensor, seed: tf.Tensor | None, ratio: float = 0.125) -> tf.Tensor:
    """Shift each image by up to ``ratio`` of its size in both directions, zero-filled."""
    batch, height, width = tf.unstack(tf.shape(images)[:3])
    max_dy = tf.cast(tf.cast(height, tf.float32) * ratio + 0.5, tf.int32)
    max_dx = tf.cast(tf.cast(width, tf.float32) * ratio + 0.5, tf.int32)
    seed_y, seed_x = draws.split(seed, 2)
    dy = draws.uniform([batch, 1], seed_y, -max_dy, max_dy + 1, tf.int32)
    dx = draws.uniform([batch, 1], seed_x, -max_dx, max_dx + 1, tf.int32)
    shifted = _shift_rows(images, dy)
    columns = _shift_rows(tf.transpose(shifted, [0, 2, 1, 3]), dx)
    return tf.transpose(columns, [0, 2, 1, 3])


def cutout(images: tf.Tensor, seed: tf.Tensor | None, ratio: float = 0.5) -> tf.Tensor:
    """Zero one square of ``ratio`` times the image size at a random centre in each image."""
    batch, height, width = tf.unstack(tf.shape(images)[:3])
    size_y = tf.cast(tf.cast(height, tf.float32) * ratio + 0.5, tf.int32)
    size_x = tf.cast(tf.cast(width, tf.float32) * ratio + 0.5, tf.int32)
    seed_y, seed_x = draws.split(seed, 2)
    centre_y = draws.uniform([batch, 1, 1], seed_y, 0, height + (1 - size_y % 2), tf.int32)
    centre_x = draws.uniform([batch, 1, 1], seed_x, 0, width + (1 - size_x % 2), tf.int32)
    y = tf.range(height)[tf.newaxis, :, tf.newaxis]
    x = tf.range(width)[tf.newaxis, tf.newaxis, :]
    top, left = centre_y - size_y // 2, centre_x - size_x // 2
    inside = (y >= top) & (y < top + size_y) & (x >= left) & (x < left + size_x)
    return images * tf.cast(~inside, images.dtype)[..., tf.newaxis]


POLICIES: dict[str, tuple[Callable[[tf.Tensor, tf.Tensor | None], tf.Tensor], ...]] = {
    "color": (brightness, saturation, contrast),
    "translation": (translation,),
    "cutout": (cutout,),
}


def parse_policy(policy: str | None) -> tuple[str, ...]:
    """``"color,translation,cutout"`` -> its names; ``""`` or ``None`` means no augmentation.

    Spaces separate names too: ``kedro run --params`` splits its argument at every comma, so
    there the policy is written ``"faces.train.augment=color translation"``.
    """
    names = tuple(name for name in re.split(r"[,\s]+", policy or "") if name)
    unknown = [name for name in names if name not in POLICIES]
    if unknown:
        raise ValueError(
            f"unknown DiffAugment transform(s) {unknown} in {policy!r}; "
            f"choose a comma-separated subset of {list(POLICIES)}"
        )
    return names


def diff_augment(images: tf.Tensor, policy: str | None, seed: tf.Tensor | None) -> tf.Tensor:
    """Apply the transforms of ``policy`` in order, each with its own per-image randomness
    drawn from ``seed``."""
    transforms = [transform for name in parse_policy(policy) for transform in POLICIES[name]]
    for index, transform in enumerate(transforms):
        images = transform(images, draws.fold_in(seed, index))
    return images
