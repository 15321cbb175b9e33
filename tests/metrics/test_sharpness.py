import numpy as np
import pytest
from skimage.filters import gaussian

from gan_pipeline.metrics.sharpness import laplacian_variance, sharpness


def blurred(images: np.ndarray, sigma: float) -> np.ndarray:
    return np.stack([gaussian(image, sigma=sigma, channel_axis=-1) for image in images])


def test_one_half_of_the_photos_is_as_sharp_as_the_other(face_photos):
    assert sharpness(face_photos[:12], face_photos[12:])["sharpness_ratio"] == pytest.approx(
        1.0, abs=0.25
    )


def test_blurred_photos_score_worse_the_more_they_are_blurred(face_photos):
    ratios = [
        sharpness(blurred(face_photos, sigma), face_photos)["sharpness_ratio"]
        for sigma in (0.5, 1.0, 2.0)
    ]
    assert ratios[0] < 0.7
    assert ratios == sorted(ratios, reverse=True)
    assert ratios[-1] < 0.05


def test_speckle_the_photos_lack_scores_above_one(face_photos):
    noisy = face_photos + np.random.default_rng(0).normal(0, 0.1, face_photos.shape)
    assert sharpness(np.clip(noisy, -1, 1), face_photos)["sharpness_ratio"] > 1.2


def test_grey_and_colour_images_are_both_measured(face_photos):
    grey = face_photos.mean(axis=-1, keepdims=True)
    assert laplacian_variance(grey) == pytest.approx(laplacian_variance(face_photos), rel=0.1)


def test_rejects_values_outside_the_image_range(face_photos):
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        laplacian_variance(face_photos * 3)
