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
draws). Written in ``keras.ops``: one implementation for every backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from keras import ops

from gan_pipeline.gan import draws

Tensor = Any  # a tensor of the backend in use


def _per_image(images: Tensor, seed: Tensor | None) -> Tensor:
    """One uniform number in [0, 1) per image, shaped (N, 1, 1, 1)."""
    return draws.uniform([ops.shape(images)[0], 1, 1, 1], seed)


def brightness(images: Tensor, seed: Tensor | None) -> Tensor:
    """Add one offset in [-0.5, 0.5) per image."""
    return images + (_per_image(images, seed) - 0.5)


def saturation(images: Tensor, seed: Tensor | None) -> Tensor:
    """Scale each pixel's distance from its channel mean by a factor in [0, 2)."""
    mean = ops.mean(images, axis=3, keepdims=True)
    return (images - mean) * (_per_image(images, seed) * 2) + mean


def contrast(images: Tensor, seed: Tensor | None) -> Tensor:
    """Scale each image's distance from its mean by a factor in [0.5, 1.5)."""
    mean = ops.mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * (_per_image(images, seed) + 0.5) + mean


def _shift_rows(images: Tensor, shift: Tensor) -> Tensor:
    """Shift every image's rows by its own integer ``shift`` (N, 1), filling with zeros."""
    height = ops.shape(images)[1]
    # Index into a copy padded by one zero row on each side; clipped indices land on the pad.
    rows = ops.clip(ops.arange(height)[None, :] + shift + 1, 0, height + 1)
    padded = ops.pad(images, [[0, 0], [1, 1], [0, 0], [0, 0]])
    return ops.take_along_axis(padded, rows[:, :, None, None], axis=1)


def _extent(size: int, ratio: float) -> int:
    """``ratio`` of ``size`` pixels, rounded half up (as the reference code does)."""
    return int(size * ratio + 0.5)


def translation(images: Tensor, seed: Tensor | None, ratio: float = 0.125) -> Tensor:
    """Shift each image by up to ``ratio`` of its size in both directions, zero-filled."""
    batch, height, width = ops.shape(images)[:3]
    max_dy, max_dx = _extent(height, ratio), _extent(width, ratio)
    seed_y, seed_x = draws.split(seed, 2)
    dy = draws.uniform([batch, 1], seed_y, -max_dy, max_dy + 1, "int32")
    dx = draws.uniform([batch, 1], seed_x, -max_dx, max_dx + 1, "int32")
    shifted = _shift_rows(images, dy)
    columns = _shift_rows(ops.transpose(shifted, [0, 2, 1, 3]), dx)
    return ops.transpose(columns, [0, 2, 1, 3])


def cutout(images: Tensor, seed: Tensor | None, ratio: float = 0.5) -> Tensor:
    """Zero one square of ``ratio`` times the image size at a random centre in each image."""
    batch, height, width = ops.shape(images)[:3]
    size_y, size_x = _extent(height, ratio), _extent(width, ratio)
    seed_y, seed_x = draws.split(seed, 2)
    centre_y = draws.uniform([batch, 1, 1], seed_y, 0, height + (1 - size_y % 2), "int32")
    centre_x = draws.uniform([batch, 1, 1], seed_x, 0, width + (1 - size_x % 2), "int32")
    y = ops.arange(height)[None, :, None]
    x = ops.arange(width)[None, None, :]
    top, left = centre_y - size_y // 2, centre_x - size_x // 2
    inside = (y >= top) & (y < top + size_y) & (x >= left) & (x < left + size_x)
    return images * ops.cast(ops.logical_not(inside), images.dtype)[..., None]


# DiffAugment's names, and the colour transform's three parts by their own names, so a policy
# can keep some of them ("brightness contrast translation cutout").
POLICIES: dict[str, tuple[Callable[[Tensor, Tensor | None], Tensor], ...]] = {
    "color": (brightness, saturation, contrast),
    "brightness": (brightness,),
    "saturation": (saturation,),
    "contrast": (contrast,),
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


def diff_augment(images: Tensor, policy: str | None, seed: Tensor | None) -> Tensor:
    """Apply the transforms of ``policy`` in order, each with its own per-image randomness
    drawn from ``seed``."""
    transforms = [transform for name in parse_policy(policy) for transform in POLICIES[name]]
    for index, transform in enumerate(transforms):
        images = transform(images, draws.fold_in(seed, index))
    return images
