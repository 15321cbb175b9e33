"""Latents: the class intervals of z[0] in a conditional generator's export, and walks."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

# The layer of a conditional generator's noise-only export that reads the class off z[0]
# (architecture.noise_only).
CLASS_LAYER = "class_from_z"


def class_boundaries(classes: int) -> list[float]:
    """Where N(0, 1) splits into ``classes`` equally likely intervals."""
    return [float(b) for b in norm.ppf(np.arange(1, classes) / classes)]


def in_classes(
    latents: np.ndarray, classes: np.ndarray, boundaries: list[float], rng: np.random.Generator
) -> np.ndarray:
    """``latents`` with entry 0 of row i redrawn inside the interval of N(0, 1) that
    ``boundaries`` give class ``classes[i]``: still normal within it, so only the class is
    chosen, not a typical member of it."""
    count = len(boundaries) + 1
    if classes.max() >= count:
        raise ValueError(f"classes {sorted(set(classes.tolist()))}: this generator has {count}")
    edges = norm.cdf(np.concatenate([[-np.inf], boundaries, [np.inf]]))
    low, high = edges[classes], edges[classes + 1]
    chosen = latents.copy()
    chosen[:, 0] = norm.ppf(low + rng.uniform(size=len(classes)) * (high - low))
    return chosen


def slerp(start: np.ndarray, end: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Spherical interpolation, rows x fractions x latent_dim.

    Hand-written (no Keras API): straight lines between Gaussian latents pass through the
    low-norm interior the generator never saw in training; great circles stay on its shell.
    """
    cosine = np.sum(start * end, axis=1) / (
        np.linalg.norm(start, axis=1) * np.linalg.norm(end, axis=1)
    )
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))[:, None, None]
    t = fractions[None, :, None]
    sine = np.maximum(np.sin(angle), 1e-8)
    return (np.sin((1 - t) * angle) * start[:, None] + np.sin(t * angle) * end[:, None]) / sine
