from itertools import product

import numpy as np
import pytest

from gan_pipeline.metrics.kid import kernel_distance, mmd2_unbiased

RNG = np.random.default_rng(0)
FIRST = RNG.standard_normal((2000, 16))
SECOND = RNG.standard_normal((2000, 16))


def test_mmd_matches_its_definition():
    x, y = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3)) + 0.3

    def k(a, b):
        return (a @ b / 3 + 1) ** 3

    pairs = [(i, j) for i, j in product(range(5), repeat=2) if i != j]
    expected = (
        sum(k(x[i], x[j]) + k(y[i], y[j]) for i, j in pairs) / 20
        - 2 * sum(k(a, b) for a, b in product(x, y)) / 25
    )
    assert mmd2_unbiased(x, y) == pytest.approx(expected, rel=1e-5)


def test_unbiased_near_zero_for_one_distribution_even_on_small_subsets():
    # A biased (V-statistic) estimate would sit near 2 (E k(x,x) - E k(x,y)) / 50 ~ 0.28 here.
    mean, std = kernel_distance(FIRST, SECOND, subset_size=50, subsets=200)
    assert abs(mean) < 0.02
    assert std > 0


def test_grows_with_a_shift():
    same, _ = kernel_distance(FIRST, SECOND, subset_size=500, subsets=10)
    shifted, std = kernel_distance(FIRST, SECOND + 0.5, subset_size=500, subsets=10)
    assert shifted > 0.05 > abs(same)
    assert shifted > 10 * std


def test_subsets_shrink_to_the_smaller_set():
    mean, std = kernel_distance(FIRST[:24], SECOND, subset_size=1000, subsets=5)
    assert np.isfinite([mean, std]).all()


def test_rejects_mismatched_dimensions():
    with pytest.raises(ValueError, match="differ in dimension"):
        kernel_distance(FIRST, SECOND[:, :8])
