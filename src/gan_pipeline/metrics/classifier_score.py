"""Classifier score: the Inception score computed with the project's own digit classifier."""

from __future__ import annotations

import numpy as np
from scipy.stats import entropy

from gan_pipeline.metrics.checks import probability_matrix


def classifier_score(probabilities: np.ndarray) -> float:
    """exp(E_x KL(p(y|x) || p(y))): between 1 and the number of classes, higher is better.

    High when each sample is classified confidently *and* the classes are used evenly; one
    value over the whole set (no splits), to be read beside the same score on real images.
    """
    probabilities = probability_matrix(probabilities, "class probabilities")
    marginal = probabilities.mean(axis=0)
    divergences = entropy(probabilities, np.broadcast_to(marginal, probabilities.shape), axis=1)
    return float(np.exp(divergences.mean()))
