"""Walks through latent space (the class intervals of z[0]: ``conditional.py``)."""

from __future__ import annotations

import numpy as np


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
