"""Sharpness: how much fine detail images carry, against the real photos' own level.

KID on 8x8 pixel averages cannot tell a face with eyes from a blurred one; the Laplacian
(scikit-image's ``filters.laplace``) responds to exactly the small-scale changes blur removes.
It is taken at half the image size by default: per-pixel speckle, which a young GAN paints
everywhere, averages out there, while features two or more pixels wide (eyes, nostrils and
lips at 64x64) stay (docs/metrics.md has the measurements behind that choice).
"""

from __future__ import annotations

import numpy as np
from skimage.color import rgb2gray
from skimage.filters import laplace
from skimage.transform import downscale_local_mean

from gan_pipeline.metrics.checks import image_batch

HALF_SIZE = 2


def laplacian_variance(images: np.ndarray, downscale: int = HALF_SIZE) -> np.ndarray:
    """Per image, the variance of the Laplacian of its luminance (scaled to [0, 1]), after
    area-averaging ``downscale`` x ``downscale`` pixel blocks (1: at full size)."""
    images = image_batch(images, "images")
    grey = (images + 1.0) / 2.0
    grey = rgb2gray(grey) if grey.shape[-1] == 3 else grey[..., 0]
    return np.array(
        [laplace(downscale_local_mean(image, downscale), ksize=3).var() for image in grey]
    )


def sharpness(
    generated: np.ndarray, real: np.ndarray, downscale: int = HALF_SIZE
) -> dict[str, float]:
    """Mean Laplacian variance of ``generated`` over that of ``real``: 1 is photo-like detail,
    below 1 blur or missing features, above 1 edges or noise the photos do not have."""
    made = laplacian_variance(generated, downscale).mean()
    photos = laplacian_variance(real, downscale).mean()
    return {
        "sharpness_ratio": float(made / photos),
        "laplacian_variance": float(made),
        "laplacian_variance_real": float(photos),
    }
