import numpy as np
import pytest
from skimage.filters import gaussian

from gan_pipeline.metrics.sharpness import laplacian_variance, sharpness


def blurred(images: np.ndarray, sigma: float) -> np.ndarray:
    return np.stack([gaussian(image, sigma=sigma, channel_axis=-1) for image in images])


def noisy(images: np.ndarray, sigma: float) -> np.ndarray:
    noise = np.random.default_rng(0).normal(0, sigma, images.shape)
    return np.clip(images + noise, -1, 1)


def ratio(images: np.ndarray, photos: np.ndarray, downscale: int = 2) -> float:
    return sharpness(images, photos, downscale)["sharpness_ratio"]


def test_one_half_of_the_photos_is_as_sharp_as_the_other(face_photos):
    assert ratio(face_photos[:12], face_photos[12:]) == pytest.approx(1.0, abs=0.25)


def test_blurred_photos_score_worse_the_more_they_are_blurred(face_photos):
    ratios = [ratio(blurred(face_photos, sigma), face_photos) for sigma in (0.5, 1.0, 2.0)]
    assert ratios[0] < 0.9
    assert ratios == sorted(ratios, reverse=True)
    assert ratios[-1] < 0.2


def test_pixel_speckle_does_not_pass_for_detail_at_half_size(face_photos):
    """At full size, noise on a blurred face reads as detail; at half size it averages out."""
    speckled_blur = noisy(blurred(face_photos, 1.0), 0.2)
    assert ratio(speckled_blur, face_photos, downscale=1) > 1.0
    assert ratio(speckled_blur, face_photos) < 0.7
    assert ratio(noisy(face_photos, 0.1), face_photos) == pytest.approx(1.0, abs=0.1)


def test_grey_and_colour_images_are_both_measured(face_photos):
    grey = face_photos.mean(axis=-1, keepdims=True)
    assert laplacian_variance(grey) == pytest.approx(laplacian_variance(face_photos), rel=0.1)


def test_rejects_values_outside_the_image_range(face_photos):
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        laplacian_variance(face_photos * 3)
