import numpy as np
import pytest
import tensorflow as tf

from gan_pipeline.gan.augment import (
    POLICIES,
    brightness,
    contrast,
    cutout,
    diff_augment,
    parse_policy,
    saturation,
    translation,
)


def seed(value: int) -> tf.Tensor:
    """A stateless seed, as GAN.step_seed folds them."""
    return tf.constant([value, 0], tf.int64)


@pytest.fixture
def digits(mnist_sample) -> tf.Tensor:
    """8 real digits as RGB, (8, 28, 28, 3) in [-1, 1]: colour transforms need 3 channels."""
    return tf.constant(np.repeat(mnist_sample[:8], 3, axis=-1))


@pytest.mark.parametrize(
    "transform", [brightness, saturation, contrast, translation, cutout], ids=lambda f: f.__name__
)
def test_transforms_keep_shape_and_pass_gradients(digits, transform):
    weights = tf.random.stateless_normal(digits.shape, seed(0))
    with tf.GradientTape() as tape:
        tape.watch(digits)
        augmented = transform(digits, seed(0))
        loss = tf.reduce_sum(augmented * weights)
    gradient = tape.gradient(loss, digits)
    assert augmented.shape == digits.shape and augmented.dtype == digits.dtype
    assert gradient is not None and np.isfinite(gradient).all()
    assert np.count_nonzero(gradient) > 0.4 * gradient.numpy().size


def test_full_policy_is_differentiable_with_per_image_randomness(digits):
    same = tf.repeat(digits[:1], 8, axis=0)  # one digit eight times
    with tf.GradientTape() as tape:
        tape.watch(same)
        augmented = diff_augment(same, "color,translation,cutout", seed(1))
        loss = tf.reduce_mean(tf.square(augmented))
    assert np.abs(tape.gradient(loss, same)).sum() > 0
    flattened = augmented.numpy().reshape(8, -1)
    assert len({row.tobytes() for row in flattened}) == 8  # every copy augmented differently


def test_translation_shifts_with_zero_fill(digits):
    shifted = translation(digits, seed(2)).numpy()
    padded = np.pad(digits.numpy(), [(0, 0), (4, 4), (4, 4), (0, 0)])
    for original, result in zip(padded, shifted, strict=True):
        # Some shift of at most 1/8 of 28 (rounded: 4) px reproduces the result exactly.
        matches = [
            (dy, dx)
            for dy in range(-4, 5)
            for dx in range(-4, 5)
            if np.array_equal(original[4 + dy : 32 + dy, 4 + dx : 32 + dx], result)
        ]
        assert matches


def test_cutout_zeroes_one_half_size_square(digits):
    ones = tf.ones_like(digits)
    cut = cutout(ones, seed(3)).numpy()
    for image in cut:
        rows, cols = np.nonzero(image[..., 0] == 0)
        assert np.all(image[rows, cols] == 0)  # all channels
        height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
        assert height <= 14 and width <= 14  # half of 28, less where it meets the border
        assert len(rows) == height * width  # one solid rectangle
        assert np.all(np.delete(image.reshape(-1, 3), rows * 28 + cols, axis=0) == 1)


def test_colour_transforms_do_what_they_say(digits):
    offsets = (brightness(digits, seed(4)) - digits).numpy().reshape(8, -1)
    np.testing.assert_allclose(offsets, offsets[:, :1].repeat(offsets.shape[1], 1), atol=1e-6)
    assert np.all((offsets >= -0.5) & (offsets < 0.5))
    means = tf.reduce_mean(digits, axis=[1, 2, 3])
    np.testing.assert_allclose(
        tf.reduce_mean(contrast(digits, seed(4)), axis=[1, 2, 3]), means, atol=1e-5
    )
    grey = digits.numpy()  # equal channels: saturation has nothing to change
    np.testing.assert_allclose(saturation(digits, seed(4)), grey, atol=1e-6)


def test_policy_names_are_checked():
    assert parse_policy("") == parse_policy(None) == ()  # YAML's `augment:` is None
    assert parse_policy(" color, cutout ") == ("color", "cutout")
    # `kedro run --params` splits at commas, so a policy given there is written with spaces.
    assert parse_policy("color translation") == ("color", "translation")
    with pytest.raises(ValueError, match=r"unknown DiffAugment transform\(s\) \['flip'\]"):
        parse_policy("color,flip")
    colour_parts = ["brightness", "contrast", "saturation"]
    assert sorted(POLICIES) == sorted(["color", "cutout", "translation", *colour_parts])


def test_colour_parts_by_name_are_the_colour_transform(digits):
    # Each transform draws from the seed folded with its place in the policy, so naming the
    # three parts in order repeats "color" exactly. Tinted, so saturation has work to do.
    tinted = digits * tf.constant([1.0, 0.5, 0.2])
    whole = diff_augment(tinted, "color,cutout", seed(7))
    parts = diff_augment(tinted, "brightness saturation contrast cutout", seed(7))
    assert not np.array_equal(saturation(tinted, seed(7)), tinted)
    np.testing.assert_array_equal(whole, parts)


def test_empty_policy_is_the_identity(digits):
    assert diff_augment(digits, "", seed(0)) is digits


def test_the_seed_decides_the_augmentation(digits):
    # Stateless draws: what the GAN's XLA-compiled step relies on to repeat a run.
    policy = "color,translation,cutout"
    first = diff_augment(digits, policy, seed(5))
    np.testing.assert_array_equal(first, diff_augment(digits, policy, seed(5)))
    assert not np.array_equal(first, diff_augment(digits, policy, seed(6)))
