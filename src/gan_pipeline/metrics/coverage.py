"""Mode coverage: which classes the generator produces, and how evenly, by a classifier's vote."""

from __future__ import annotations

import numpy as np
from scipy.stats import entropy

from gan_pipeline.metrics.checks import probability_matrix


def mode_coverage(probabilities: np.ndarray, min_share: float = 0.01) -> dict[str, float]:
    """Classes predicted for at least ``min_share`` of samples, KL(histogram || uniform), mean max.

    ``classes_covered``: higher is better (all classes for a good MNIST generator);
    ``kl_to_uniform``: 0 for a perfectly even histogram, log(classes) when one class is all;
    ``mean_max_probability``: the classifier's mean confidence, low for unrecognisable samples.
    """
    probabilities = probability_matrix(probabilities, "class probabilities")
    classes = probabilities.shape[1]
    histogram = np.bincount(probabilities.argmax(axis=1), minlength=classes) / len(probabilities)
    return {
        "classes_covered": int((histogram >= min_share).sum()),
        "kl_to_uniform": float(entropy(histogram, np.full(classes, 1.0 / classes))),
        "mean_max_probability": float(probabilities.max(axis=1).mean()),
    }
