import numpy as np
import pytest

from gan_pipeline.metrics.diversity import mean_pairwise_ssim


def test_identical_images_have_diversity_ssim_one(face_photos):
    assert mean_pairwise_ssim(face_photos[[2] * 5]) == pytest.approx(1.0)


def test_a_collapsed_set_scores_higher_than_the_real_photos(face_photos):
    collapsed = face_photos[[7] * 8] + np.random.default_rng(0).normal(0, 0.05, (8, 32, 32, 3))
    real = mean_pairwise_ssim(face_photos)
    assert real < 0.5
    assert mean_pairwise_ssim(np.clip(collapsed, -1, 1)) > real + 0.3


def test_rejects_a_single_image_or_out_of_range_pixels(face_photos):
    with pytest.raises(ValueError, match="at least 2"):
        mean_pairwise_ssim(face_photos[:1])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        mean_pairwise_ssim(face_photos * 255)
