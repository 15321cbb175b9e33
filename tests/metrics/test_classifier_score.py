import numpy as np
import pytest

from gan_pipeline.metrics.classifier_score import classifier_score

ONE_HOT = np.eye(10)


def test_confident_and_even_scores_the_number_of_classes():
    assert classifier_score(np.repeat(ONE_HOT, 7, axis=0)) == pytest.approx(10.0)


def test_one_class_or_no_confidence_scores_one():
    assert classifier_score(np.repeat(ONE_HOT[[3]], 50, axis=0)) == pytest.approx(1.0)
    assert classifier_score(np.full((50, 10), 0.1)) == pytest.approx(1.0)


def test_rejects_rows_that_are_not_probabilities():
    with pytest.raises(ValueError, match="class probabilities"):
        classifier_score(np.full((5, 10), 0.5))
