"""SSIM between images in [-1, 1], with the settings of Wang et al. (2004), via scikit-image."""

from __future__ import annotations

import numpy as np
from skimage.metrics import structural_similarity


def ssim(first: np.ndarray, second: np.ndarray) -> float:
    """SSIM of two (H, W, C) images in [-1, 1]: 1 for identical images, ~0 for unrelated noise."""
    return float(
        structural_similarity(
            first,
            second,
            data_range=2.0,
            channel_axis=-1,
            gaussian_weights=True,
            sigma=1.5,
            use_sample_covariance=False,
        )
    )
