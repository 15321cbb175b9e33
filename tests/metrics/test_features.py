import keras
import numpy as np
import pytest
import tensorflow as tf
from real_data import example_photos

from gan_pipeline.metrics.classifier import build_classifier
from gan_pipeline.metrics.features import area_resize, extract, pixel_extractor


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (300, 300, 3)])
def test_pixel_features_work_at_any_image_size(shape):
    images = np.random.default_rng(0).uniform(-1, 1, (3, *shape)).astype(np.float32)
    features, probabilities = extract(pixel_extractor(shape, size=8), images)
    assert features.shape == (3, 64 * shape[2]) and probabilities is None


def test_pixel_features_are_area_averages(face_photos):
    features, _ = extract(pixel_extractor((32, 32, 3), size=1), face_photos)
    np.testing.assert_allclose(features, face_photos.mean(axis=(1, 2)), atol=1e-5)


@pytest.mark.parametrize(("image_size", "size"), [(32, 8), (300, 8), (64, 5)])
def test_pixel_features_equal_tensorflows_area_resize_at_any_factor(image_size, size):
    photos = example_photos(image_size)  # factors 4, 37.5 and 12.8
    features, _ = extract(pixel_extractor(photos.shape[1:], size), photos)
    resized = tf.image.resize(photos, (size, size), method="area").numpy()
    np.testing.assert_allclose(features, resized.reshape(len(photos), -1), atol=1e-5)


@pytest.mark.parametrize(("image_size", "height", "width"), [(32, 8, 8), (300, 38, 19), (64, 5, 7)])
def test_area_resize_equals_tensorflows_eagerly_and_under_xla(image_size, height, width):
    photos = tf.constant(example_photos(image_size))
    expected = tf.image.resize(photos, (height, width), method="area").numpy()
    np.testing.assert_allclose(area_resize(photos, height, width), expected, atol=1e-5)
    compiled = tf.function(lambda images: area_resize(images, height, width), jit_compile=True)
    np.testing.assert_allclose(compiled(photos), expected, atol=1e-5)


def test_pixel_features_survive_the_hdf5_round_trip(tmp_path, face_photos):
    extractor = pixel_extractor((32, 32, 3), size=4)
    extractor.save(tmp_path / "pixels.h5")
    loaded = keras.models.load_model(tmp_path / "pixels.h5", compile=False)
    np.testing.assert_array_equal(
        extract(loaded, face_photos)[0], extract(extractor, face_photos)[0]
    )


def test_classifier_extractor_outputs_features_and_probabilities():
    _, extractor = build_classifier((28, 28, 1), classes=10, feature_dims=128)
    images = np.zeros((2, 28, 28, 1), dtype=np.float32)
    features, probabilities = extract(extractor, images)
    assert features.shape == (2, 128)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_extract_names_the_shape_it_wants():
    with pytest.raises(ValueError, match=r"takes images of shape \(32, 32, 3\)"):
        extract(pixel_extractor((32, 32, 3)), np.zeros((2, 28, 28, 1), dtype=np.float32))
