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


def test_pixel_noise_does_not_pass_for_variety(face_photos):
    """At full size noise lowers every pairwise SSIM; at half size (the default) it barely does."""
    noisy = np.clip(face_photos + np.random.default_rng(1).normal(0, 0.1, face_photos.shape), -1, 1)
    full_drop = mean_pairwise_ssim(face_photos, downscale=1) - mean_pairwise_ssim(noisy, 1)
    half_drop = mean_pairwise_ssim(face_photos) - mean_pairwise_ssim(noisy)
    assert full_drop > 0.015
    assert half_drop < full_drop / 3


def test_rejects_a_single_image_or_out_of_range_pixels(face_photos):
    with pytest.raises(ValueError, match="at least 2"):
        mean_pairwise_ssim(face_photos[:1])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        mean_pairwise_ssim(face_photos * 255)
