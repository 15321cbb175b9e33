"""Sharpness: how much fine detail images carry, against the real photos' own level.

KID on 8x8 pixel averages cannot tell a face with eyes from a blurred one; the Laplacian
(scikit-image's ``filters.laplace``) responds to exactly the pixel-scale changes blur removes.
"""

from __future__ import annotations

import numpy as np
from skimage.color import rgb2gray
from skimage.filters import laplace

from gan_pipeline.metrics.checks import image_batch


def laplacian_variance(images: np.ndarray) -> np.ndarray:
    """Per image, the variance of the Laplacian of its luminance (scaled to [0, 1])."""
    images = image_batch(images, "images")
    grey = (images + 1.0) / 2.0
    grey = rgb2gray(grey) if grey.shape[-1] == 3 else grey[..., 0]
    return np.array([laplace(image, ksize=3).var() for image in grey])


def sharpness(generated: np.ndarray, real: np.ndarray) -> dict[str, float]:
    """Mean Laplacian variance of ``generated`` over that of ``real``: 1 is photo-like detail,
    below 1 blur or missing features, above 1 noise or speckle the photos do not have."""
    made, photos = laplacian_variance(generated).mean(), laplacian_variance(real).mean()
    return {
        "sharpness_ratio": float(made / photos),
        "laplacian_variance": float(made),
        "laplacian_variance_real": float(photos),
    }
