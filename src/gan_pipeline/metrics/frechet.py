"""Frechet distance between two feature sets: the formula of FID on the project's own features.

Hand-written (a few lines of numpy/scipy) because every packaged FID binds it to an Inception
network whose weights download at run time.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from gan_pipeline.metrics.checks import feature_matrix

# Added to both covariance diagonals when their product has no finite square root (the fallback
# of the reference FID implementations for nearly singular covariances).
EPSILON = 1e-6


def frechet_distance(first: np.ndarray, second: np.ndarray) -> float:
    """FD of Gaussians fitted to two (N, D) feature sets; 0 for identical sets, lower is better.

    Needs more samples than feature dimensions in each set, otherwise a covariance is singular
    and the number measures the sample size rather than the distributions.
    """
    dims = np.shape(first)[-1]
    first = feature_matrix(first, "first feature set", min_rows=dims + 1)
    second = feature_matrix(second, "second feature set", min_rows=dims + 1)
    if second.shape[1] != dims:
        raise ValueError(f"feature sets differ in dimension: {dims} vs {second.shape[1]}")
    mean_gap = first.mean(axis=0) - second.mean(axis=0)
    cov_first = np.cov(first, rowvar=False)
    cov_second = np.cov(second, rowvar=False)
    root = linalg.sqrtm(cov_first @ cov_second)
    if not np.isfinite(root).all():
        offset = np.eye(dims) * EPSILON
        root = linalg.sqrtm((cov_first + offset) @ (cov_second + offset))
    distance = mean_gap @ mean_gap + np.trace(cov_first) + np.trace(cov_second)
    distance -= 2.0 * np.trace(root.real)
    return max(float(distance), 0.0)  # rounding can leave -1e-12 for identical sets
