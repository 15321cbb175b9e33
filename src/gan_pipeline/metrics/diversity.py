"""Diversity: mean pairwise SSIM within a set of images; mode collapse shows as a higher value."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from skimage.transform import downscale_local_mean

from gan_pipeline.metrics.checks import image_batch
from gan_pipeline.metrics.sharpness import HALF_SIZE
from gan_pipeline.metrics.ssim import ssim


def mean_pairwise_ssim(images: np.ndarray, downscale: int = HALF_SIZE) -> float:
    """Mean SSIM over all pairs of distinct images: 1 when all are identical, lower is more diverse.

    Taken after area-averaging ``downscale`` x ``downscale`` pixel blocks (1: at full size), as
    the sharpness ratio is: at full size per-pixel noise lowers SSIM between any two images, so
    a speckled generator would pass for a varied one (docs/metrics.md has the measurements).
    Plain SSIM, not MS-SSIM: scikit-image has no MS-SSIM, and TensorFlow's needs images of at
    least 161 pixels a side at its default five scales, larger than the datasets' small sizes.
    """
    images = image_batch(images, "images")
    if len(images) < 2:
        raise ValueError(f"diversity needs at least 2 images, got {len(images)}")
    images = downscale_local_mean(images, (1, downscale, downscale, 1))
    return float(np.mean([ssim(a, b) for a, b in combinations(images, 2)]))
