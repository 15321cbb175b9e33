"""Adversarial losses on discriminator logits, averaged over the global batch.

Every function returns per-example losses; the caller reduces them with
``tf.nn.compute_average_loss`` so the mean is over the *global* batch under any
``tf.distribute`` strategy. Gradient penalties are per-example too, so they add to a
discriminator loss before that reduction.
"""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

from gan_pipeline.gan import draws

Logits = tf.Tensor
DiscriminatorLoss = Callable[[Logits, Logits], tf.Tensor]
GeneratorLoss = Callable[[Logits], tf.Tensor]


def bce_discriminator_loss(
    real_logits: tf.Tensor, fake_logits: tf.Tensor, label_smoothing: float = 0.0
) -> tf.Tensor:
    """Non-saturating GAN D loss; one-sided label smoothing puts real targets at 1 - s."""
    real = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.fill(tf.shape(real_logits), 1.0 - label_smoothing), logits=real_logits
    )
    fake = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.zeros_like(fake_logits), logits=fake_logits
    )
    return tf.reshape(real + fake, [-1])


def bce_generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """Non-saturating G loss: -log D(G(z))."""
    loss = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.ones_like(fake_logits), logits=fake_logits
    )
    return tf.reshape(loss, [-1])


def hinge_discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """Hinge D loss (Miyato et al. 2018): max(0, 1 - D(x)) + max(0, 1 + D(G(z)))."""
    return tf.reshape(tf.nn.relu(1.0 - real_logits) + tf.nn.relu(1.0 + fake_logits), [-1])


def hinge_generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """Hinge G loss: -D(G(z))."""
    return tf.reshape(-fake_logits, [-1])


def wasserstein_discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """WGAN critic loss D(G(z)) - D(x); needs a gradient penalty to keep D 1-Lipschitz."""
    return tf.reshape(fake_logits - real_logits, [-1])


def wasserstein_generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """WGAN G loss: -D(G(z))."""
    return tf.reshape(-fake_logits, [-1])


def _input_gradient_norms(discriminator: Callable, images: tf.Tensor) -> tf.Tensor:
    """Squared L2 norm of dD/dx per example."""
    with tf.GradientTape() as tape:
        tape.watch(images)
        logits = discriminator(images)
    gradients = tape.gradient(logits, images)
    return tf.reduce_sum(tf.square(tf.cast(gradients, tf.float32)), axis=[1, 2, 3])


def r1_penalty(discriminator: Callable, real_images: tf.Tensor) -> tf.Tensor:
    """R1 (Mescheder et al. 2018): ||dD(x)/dx||^2 on real images; weight it with gamma / 2.

    ``discriminator``: images -> logits in training mode (the GAN binds labels and mode)."""
    return _input_gradient_norms(discriminator, real_images)


def wgan_gradient_penalty(
    discriminator: Callable,
    real_images: tf.Tensor,
    fake_images: tf.Tensor,
    seed: tf.Tensor | None,
) -> tf.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): (||dD/dx|| - 1)^2 at random real/fake interpolates,
    their mixing weights drawn from ``seed`` (``gan.draws``)."""
    mix = draws.uniform([tf.shape(real_images)[0], 1, 1, 1], seed)
    between = mix * real_images + (1.0 - mix) * fake_images
    # A tiny epsilon keeps the square root differentiable where the gradient vanishes.
    norms = tf.sqrt(_input_gradient_norms(discriminator, between) + 1e-12)
    return tf.square(norms - 1.0)


def mode_seeking(latents: tf.Tensor, images: tf.Tensor) -> tf.Tensor:
    """MSGAN's term (Mao et al. 2019), per example: 1 / (mean |G(z1) - G(z2)| / mean |z1 - z2|)
    for the pairs (row i, row i + half) of the batch, each pair's value on both rows.

    Small when two latents far apart give different images: adding it to G's loss counters
    mode collapse, where many z draw nearly the same face.
    """
    half = tf.shape(latents)[0] // 2
    image_distance = tf.reduce_mean(
        tf.abs(tf.cast(images[:half] - images[half : 2 * half], tf.float32)), axis=[1, 2, 3]
    )
    latent_distance = tf.reduce_mean(tf.abs(latents[:half] - latents[half : 2 * half]), axis=1)
    inverse = 1.0 / (image_distance / latent_distance + 1e-5)
    # An odd batch's last row has no partner: it adds nothing.
    return tf.concat([inverse, inverse, tf.zeros([tf.shape(latents)[0] - 2 * half])], axis=0)


def lecam(
    real_logits: tf.Tensor, fake_logits: tf.Tensor, real_average: tf.Tensor, fake_average: tf.Tensor
) -> tf.Tensor:
    """LeCam regulariser (Tseng et al., CVPR 2021), per example: D's logit for a real image
    above the running average of its fake logits, and for a fake below that of the real ones,
    squared: relu(D(x) - avg_fake)^2 + relu(avg_real - D(G(z)))^2.

    It keeps D from pushing real and fake scores ever further apart, the overfitting of D to
    a few images that limited-data GANs suffer; the averages are the GAN's state.
    """
    real = tf.square(tf.nn.relu(tf.cast(real_logits, tf.float32) - fake_average))
    fake = tf.square(tf.nn.relu(real_average - tf.cast(fake_logits, tf.float32)))
    return tf.reshape(real + fake, [-1])


# Name -> (D loss, G loss, weight of the WGAN gradient penalty the loss needs; 10 as published).
LOSSES: dict[str, tuple[DiscriminatorLoss, GeneratorLoss, float]] = {
    "bce": (bce_discriminator_loss, bce_generator_loss, 0.0),
    "hinge": (hinge_discriminator_loss, hinge_generator_loss, 0.0),
    "wgan-gp": (wasserstein_discriminator_loss, wasserstein_generator_loss, 10.0),
}
