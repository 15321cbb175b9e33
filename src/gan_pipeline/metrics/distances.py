"""FD and KID by name: the one dispatch that the quality monitor during training and the final
evaluation both use, so the two always mean the same numbers by ``fd`` and ``kid``."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from gan_pipeline.metrics.frechet import frechet_distance
from gan_pipeline.metrics.kid import kernel_distance


def feature_distances(
    metrics: Iterable[str],
    generated: np.ndarray,
    real: np.ndarray,
    *,
    kid_subset_size: int,
    kid_subsets: int,
    seed: int,
) -> dict[str, float]:
    """``fd``, and ``kid`` with ``kid_std``, between two feature matrices: those in ``metrics``."""
    wanted = set(metrics)
    scores = {}
    if "fd" in wanted:
        scores["fd"] = frechet_distance(generated, real)
    if "kid" in wanted:
        scores["kid"], scores["kid_std"] = kernel_distance(
            generated, real, kid_subset_size, kid_subsets, seed
        )
    return scores
