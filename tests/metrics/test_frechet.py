import numpy as np
import pytest

from gan_pipeline.metrics.features import extract, pixel_extractor
from gan_pipeline.metrics.frechet import frechet_distance

RNG = np.random.default_rng(0)
FEATURES = RNG.standard_normal((500, 8)) @ RNG.standard_normal((8, 8))


def test_identical_sets_are_at_distance_zero():
    assert frechet_distance(FEATURES, FEATURES) == pytest.approx(0.0, abs=1e-6)


def test_a_shift_costs_its_squared_length():
    shift = np.arange(8.0)
    assert frechet_distance(FEATURES, FEATURES + shift) == pytest.approx(shift @ shift, rel=1e-6)


def test_doubling_costs_the_covariance_trace():
    # cov(2x) = 4 cov(x): tr(C) + tr(4C) - 2 tr(2C) = tr(C), plus the squared mean shift.
    mean = FEATURES.mean(axis=0)
    expected = np.trace(np.cov(FEATURES, rowvar=False)) + mean @ mean
    assert frechet_distance(FEATURES, 2 * FEATURES) == pytest.approx(expected, rel=1e-6)


def test_real_halves_are_close_and_noise_is_far(mnist_t10k):
    digits = mnist_t10k[0][:4000, 4:24, 4:24]  # the 20x20 box that holds the digit
    noise = np.random.default_rng(1).uniform(-1, 1, digits[:2000].shape).astype(np.float32)
    # 25 area averages of 4x4 pixels (the empty border would give zero-variance features).
    extractor = pixel_extractor((20, 20, 1), size=5)
    first, _ = extract(extractor, digits[:2000])
    second, _ = extract(extractor, digits[2000:])
    noisy, _ = extract(extractor, noise)
    floor = frechet_distance(first, second)
    assert frechet_distance(noisy, second) > 50 * floor


def test_needs_more_samples_than_dimensions():
    with pytest.raises(ValueError, match=r"N >= 9"):
        frechet_distance(FEATURES[:8], FEATURES)


def test_rejects_non_finite_features():
    broken = FEATURES.copy()
    broken[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        frechet_distance(broken, FEATURES)
