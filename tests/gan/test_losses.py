import numpy as np
import pytest
import tensorflow as tf

from gan_pipeline.gan import losses

REAL = tf.constant([[2.0], [0.5], [-1.5]])
FAKE = tf.constant([[-2.0], [0.0], [1.5]])


def test_bce_is_the_non_saturating_gan_loss():
    softplus = np.log1p(np.exp(-np.array([2.0, 0.5, -1.5]))) + np.log1p(np.exp([-2.0, 0.0, 1.5]))
    np.testing.assert_allclose(losses.bce_discriminator_loss(REAL, FAKE), softplus, rtol=1e-6)
    np.testing.assert_allclose(
        losses.bce_generator_loss(FAKE), np.log1p(np.exp(-np.array([-2.0, 0.0, 1.5]))), rtol=1e-6
    )


def test_hinge_losses():
    # max(0, 1 - real) + max(0, 1 + fake)
    np.testing.assert_allclose(losses.hinge_discriminator_loss(REAL, FAKE), [0.0, 1.5, 5.0])
    np.testing.assert_allclose(losses.hinge_generator_loss(FAKE), [2.0, 0.0, -1.5])


def test_wasserstein_losses():
    np.testing.assert_allclose(losses.wasserstein_discriminator_loss(REAL, FAKE), [-4, -0.5, 3])
    np.testing.assert_allclose(losses.wasserstein_generator_loss(FAKE), [2.0, 0.0, -1.5])


SEED = tf.constant([0, 0], tf.int64)  # of the interpolation weights


def linear_critic(weights: tf.Tensor):
    """D(x) = <w, x>: its input gradient is w for every image."""
    return lambda images, training=False: tf.reduce_sum(images * weights, axis=[1, 2, 3])[:, None]


@pytest.fixture
def images() -> tuple[tf.Tensor, tf.Tensor]:
    rng = np.random.default_rng(0)
    return tuple(tf.constant(rng.uniform(-1, 1, (4, 6, 6, 3)), tf.float32) for _ in range(2))


def test_r1_is_the_squared_input_gradient_norm(images):
    weights = tf.constant(np.random.default_rng(1).normal(size=(6, 6, 3)), tf.float32)
    penalty = losses.r1_penalty(linear_critic(weights), images[0])
    np.testing.assert_allclose(penalty, [float(tf.reduce_sum(weights**2))] * 4, rtol=1e-5)


@pytest.mark.parametrize(("norm", "expected"), [(1.0, 0.0), (3.0, 4.0)])
def test_wgan_gp_pulls_the_gradient_norm_to_one(images, norm, expected):
    weights = tf.fill((6, 6, 3), float(norm / np.sqrt(6 * 6 * 3)))  # ||w|| = norm
    penalty = losses.wgan_gradient_penalty(linear_critic(weights), *images, SEED)
    np.testing.assert_allclose(penalty, [expected] * 4, atol=1e-4)


def test_penalties_are_differentiable_in_the_critic_weights(images):
    # For D(x) = <w, x> the penalty is (||w|| - 1)^2, whose gradient is 2 (||w|| - 1) w / ||w||.
    weights = tf.Variable(tf.fill((6, 6, 3), 0.5))
    with tf.GradientTape() as tape:
        penalty = tf.reduce_mean(
            losses.wgan_gradient_penalty(linear_critic(weights), *images, SEED)
        )
    norm = 0.5 * np.sqrt(6 * 6 * 3)
    expected = 2 * (norm - 1) * 0.5 / norm
    np.testing.assert_allclose(
        tape.gradient(penalty, weights), np.full((6, 6, 3), expected), rtol=1e-4
    )


def test_every_loss_is_per_example():
    for name, (d_loss, g_loss, _) in losses.LOSSES.items():
        assert d_loss(REAL, FAKE).shape == (3,), name
        assert g_loss(FAKE).shape == (3,), name
    assert losses.LOSSES["wgan-gp"][2] == 10.0 and losses.LOSSES["bce"][2] == 0.0


def test_mode_seeking_penalises_pairs_that_draw_the_same_image():
    rng = np.random.default_rng(0)
    latents = tf.constant(rng.normal(size=(5, 8)), tf.float32)
    same = tf.constant(np.repeat(rng.uniform(-1, 1, (1, 6, 6, 3)), 5, axis=0), tf.float32)
    varied = tf.constant(rng.uniform(-1, 1, (5, 6, 6, 3)), tf.float32)
    collapsed, diverse = losses.mode_seeking(latents, same), losses.mode_seeking(latents, varied)
    assert collapsed.shape == (5,) and float(collapsed[-1]) == 0.0  # the odd row is unpaired
    np.testing.assert_allclose(collapsed[:2], collapsed[2:4])  # a pair's value on both rows
    assert (collapsed[:4] > 1e4).numpy().all() and (diverse[:4] < 10).numpy().all()
    # Its gradient moves paired images apart: they differ more after one small step.
    images = tf.Variable(varied * 0.01)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(losses.mode_seeking(latents, images))
    before = tf.reduce_mean(tf.abs(images[:2] - images[2:4]))
    images.assign_sub(1e-6 * tape.gradient(loss, images))
    assert tf.reduce_mean(tf.abs(images[:2] - images[2:4])) > before


def test_lecam_penalises_logits_past_the_other_sides_average():
    real = tf.constant([[3.0], [0.5], [-1.0]])
    fake = tf.constant([[-2.0], [1.0], [0.0]])
    # Real logits above the fakes' average (0) and fake ones below the reals' average (1).
    penalty = losses.lecam(real, fake, tf.constant(1.0), tf.constant(0.0)).numpy()
    np.testing.assert_allclose(penalty, [3.0**2 + 3.0**2, 0.5**2 + 0.0, 0.0 + 1.0**2])
    # Gradients push a real logit down and a fake one up, towards the other side's average.
    logits = tf.Variable([[3.0], [-2.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(losses.lecam(logits[:1], logits[1:], 1.0, 0.0))
    np.testing.assert_allclose(tape.gradient(loss, logits), [[6.0], [-6.0]])
