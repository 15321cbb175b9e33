"""Adversarial losses on discriminator logits, one implementation for every Keras backend.

Every function returns per-example losses, in ``keras.ops``; the training step reduces them
over the *global* batch (under TensorFlow with ``tf.nn.compute_average_loss``, so under any
``tf.distribute`` strategy). Gradient penalties are per-example too, so they add to a
discriminator loss before that reduction; the input gradients they need come from the
backend (``backend.load("ops").input_gradients``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keras import ops

from gan_pipeline.gan import backend, draws

Tensor = Any  # a tensor of the backend in use
Logits = Tensor
DiscriminatorLoss = Callable[[Logits, Logits], Tensor]
GeneratorLoss = Callable[[Logits], Tensor]

_input_gradients = backend.load("ops").input_gradients


def _sigmoid_cross_entropy(logits: Tensor, labels: float) -> Tensor:
    """TensorFlow's ``sigmoid_cross_entropy_with_logits`` formula, stable for any logit:
    max(x, 0) - x * z + log(1 + exp(-|x|))."""
    return ops.relu(logits) - logits * labels + ops.log1p(ops.exp(-ops.abs(logits)))


def bce_discriminator_loss(
    real_logits: Tensor, fake_logits: Tensor, label_smoothing: float = 0.0
) -> Tensor:
    """Non-saturating GAN D loss; one-sided label smoothing puts real targets at 1 - s."""
    real = _sigmoid_cross_entropy(real_logits, 1.0 - label_smoothing)
    fake = _sigmoid_cross_entropy(fake_logits, 0.0)
    return ops.reshape(real + fake, [-1])


def bce_generator_loss(fake_logits: Tensor) -> Tensor:
    """Non-saturating G loss: -log D(G(z))."""
    return ops.reshape(_sigmoid_cross_entropy(fake_logits, 1.0), [-1])


def hinge_discriminator_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """Hinge D loss (Miyato et al. 2018): max(0, 1 - D(x)) + max(0, 1 + D(G(z)))."""
    return ops.reshape(ops.relu(1.0 - real_logits) + ops.relu(1.0 + fake_logits), [-1])


def hinge_generator_loss(fake_logits: Tensor) -> Tensor:
    """Hinge G loss: -D(G(z))."""
    return ops.reshape(-fake_logits, [-1])


def wasserstein_discriminator_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """WGAN critic loss D(G(z)) - D(x); needs a gradient penalty to keep D 1-Lipschitz."""
    return ops.reshape(fake_logits - real_logits, [-1])


def wasserstein_generator_loss(fake_logits: Tensor) -> Tensor:
    """WGAN G loss: -D(G(z))."""
    return ops.reshape(-fake_logits, [-1])


def _input_gradient_norms(discriminator: Callable, images: Tensor) -> Tensor:
    """Squared L2 norm of dD/dx per example."""
    gradients = _input_gradients(discriminator, images)
    return ops.sum(ops.square(ops.cast(gradients, "float32")), axis=[1, 2, 3])


def r1_penalty(discriminator: Callable, real_images: Tensor) -> Tensor:
    """R1 (Mescheder et al. 2018): ||dD(x)/dx||^2 on real images; weight it with gamma / 2.

    ``discriminator``: images -> logits in training mode (the GAN binds labels and mode)."""
    return _input_gradient_norms(discriminator, real_images)


def wgan_gradient_penalty(
    discriminator: Callable,
    real_images: Tensor,
    fake_images: Tensor,
    seed: Tensor | None,
) -> Tensor:
    """WGAN-GP (Gulrajani et al. 2017): (||dD/dx|| - 1)^2 at random real/fake interpolates,
    their mixing weights drawn from ``seed`` (``gan.draws``)."""
    mix = draws.uniform([ops.shape(real_images)[0], 1, 1, 1], seed)
    between = mix * real_images + (1.0 - mix) * fake_images
    # A tiny epsilon keeps the square root differentiable where the gradient vanishes.
    norms = ops.sqrt(_input_gradient_norms(discriminator, between) + 1e-12)
    return ops.square(norms - 1.0)


def mode_seeking(latents: Tensor, images: Tensor) -> Tensor:
    """MSGAN's term (Mao et al. 2019), per example: 1 / (mean |G(z1) - G(z2)| / mean |z1 - z2|)
    for the pairs (row i, row i + half) of the batch, each pair's value on both rows.

    Small when two latents far apart give different images: adding it to G's loss counters
    mode collapse, where many z draw nearly the same face.
    """
    count = ops.shape(latents)[0]
    half = count // 2
    image_distance = ops.mean(
        ops.abs(ops.cast(images[:half] - images[half : 2 * half], "float32")), axis=[1, 2, 3]
    )
    latent_distance = ops.mean(ops.abs(latents[:half] - latents[half : 2 * half]), axis=1)
    inverse = 1.0 / (image_distance / latent_distance + 1e-5)
    # An odd batch's last row has no partner: it adds nothing.
    return ops.concatenate([inverse, inverse, ops.zeros([count - 2 * half])], axis=0)


def lecam(
    real_logits: Tensor, fake_logits: Tensor, real_average: Tensor, fake_average: Tensor
) -> Tensor:
    """LeCam regulariser (Tseng et al., CVPR 2021), per example: D's logit for a real image
    above the running average of its fake logits, and for a fake below that of the real ones,
    squared: relu(D(x) - avg_fake)^2 + relu(avg_real - D(G(z)))^2.

    It keeps D from pushing real and fake scores ever further apart, the overfitting of D to
    a few images that limited-data GANs suffer; the averages are the GAN's state.
    """
    real = ops.square(ops.relu(ops.cast(real_logits, "float32") - fake_average))
    fake = ops.square(ops.relu(real_average - ops.cast(fake_logits, "float32")))
    return ops.reshape(real + fake, [-1])


# Name -> (D loss, G loss, weight of the WGAN gradient penalty the loss needs; 10 as published).
LOSSES: dict[str, tuple[DiscriminatorLoss, GeneratorLoss, float]] = {
    "bce": (bce_discriminator_loss, bce_generator_loss, 0.0),
    "hinge": (hinge_discriminator_loss, hinge_generator_loss, 0.0),
    "wgan-gp": (wasserstein_discriminator_loss, wasserstein_generator_loss, 10.0),
}
