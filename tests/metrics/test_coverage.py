import numpy as np
import pytest

from gan_pipeline.metrics.coverage import mode_coverage

ONE_HOT = np.eye(10)


def test_a_single_class_covers_one_with_maximal_divergence():
    coverage = mode_coverage(np.repeat(ONE_HOT[[7]], 100, axis=0))
    assert coverage == pytest.approx(
        {"classes_covered": 1, "kl_to_uniform": np.log(10), "mean_max_probability": 1.0}
    )


def test_an_even_spread_covers_all_with_zero_divergence():
    coverage = mode_coverage(np.repeat(ONE_HOT, 10, axis=0))
    assert coverage["classes_covered"] == 10
    assert coverage["kl_to_uniform"] == pytest.approx(0.0, abs=1e-12)


def test_a_class_counts_from_its_minimum_share():
    # 199 of class 0 and one of class 1: class 1 holds 0.5 %, under 1 % but over 0.4 %.
    probabilities = np.vstack([np.repeat(ONE_HOT[[0]], 199, axis=0), ONE_HOT[[1]]])
    assert mode_coverage(probabilities, min_share=0.01)["classes_covered"] == 1
    assert mode_coverage(probabilities, min_share=0.004)["classes_covered"] == 2


def test_mean_max_probability_reads_the_confidence():
    assert mode_coverage(np.full((4, 10), 0.1))["mean_max_probability"] == pytest.approx(0.1)
