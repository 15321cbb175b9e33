import numpy as np
import pytest

from gan_pipeline.metrics.memorisation import memorisation, nearest_ssim


def test_an_exact_copy_of_a_training_photo_is_flagged(face_photos):
    noise = np.random.default_rng(0).uniform(-1, 1, (3, 32, 32, 3)).astype(np.float32)
    generated = np.concatenate([face_photos[[5]], noise])
    scores = memorisation(generated, face_photos)
    assert scores["memorised_share"] == pytest.approx(0.25)
    assert scores["nearest_ssim_max"] == pytest.approx(1.0)


def test_distinct_real_photos_are_not_copies_of_each_other(face_photos):
    nearest = nearest_ssim(face_photos, face_photos, leave_one_out=True)
    assert nearest.max() < 0.9
    assert memorisation(face_photos[:4], face_photos)["nearest_ssim_real"] == pytest.approx(
        nearest.mean()
    )


def test_a_slightly_noisy_copy_is_still_flagged(face_photos):
    noisy = face_photos[:4] + np.random.default_rng(1).normal(0, 0.05, face_photos[:4].shape)
    assert memorisation(np.clip(noisy, -1, 1), face_photos)["memorised_share"] == 1.0


def test_a_mirrored_copy_is_flagged_and_a_photo_is_not_its_own_neighbour(face_photos):
    flipped = face_photos[:, :, ::-1]
    assert memorisation(flipped[:4], face_photos)["memorised_share"] == 1.0
    # leave-one-out drops a photo's own mirror image too: only distinct people are compared
    assert nearest_ssim(face_photos, face_photos, leave_one_out=True).max() < 0.9


def test_rejects_images_of_another_size(face_photos):
    with pytest.raises(ValueError, match="image shapes differ"):
        nearest_ssim(face_photos[:, :16, :16], face_photos)
