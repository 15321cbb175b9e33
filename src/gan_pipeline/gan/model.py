"""The GAN as a ``keras.Model``: ``fit`` brings progress bars, callbacks and distribution.

What the backends share lives here (the parts, the options, the sampler, the EMA copy); the
gradient step comes from the backend's ``step`` module (``backend.load``): ``step_tf`` with a
``tf.GradientTape``, ``step_jax`` as a stateless ``train_step(state, data)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import keras
from keras import ops

from gan_pipeline.gan import augment, backend, losses
from gan_pipeline.gan.conditional import noise_only

Tensor = Any  # a tensor of the backend in use


class GAN(backend.load("step").GradientStep, keras.Model):
    """Alternating D/G updates in one ``train_step`` (the keras-io DCGAN pattern).

    ``train_step`` returns the step's own values (not running means), so the loss history
    a callback records is per step; Keras' progress bar averages them for display.

    Few-shot options: DiffAugment on everything D sees, gradient penalties on D, and an
    exponential moving average (EMA) copy of the generator. With EMA on, ``sampler`` (the
    copy) is what makes sample grids and is exported; ``generator`` is the one being trained.

    Class-conditional (``classes`` > 0): the batches carry labels (``pack_labels``), G and D
    take the labels too, and the fakes of a step are drawn for the real batch's labels; the
    ``sampler`` then reads the class off z (``conditional.noise_only``), so everything that
    samples or exports sees a plain z -> image generator.
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int,
        ema_decay: float = 0.0,
        reconstruction: tuple[keras.Model, keras.Model] | None = None,
        classes: int = 0,
        seed: int = 0,
    ):
        """``reconstruction``: D with its features as a second output and a decoder of those
        features (``architecture.reconstruction_head``); the decoder trains with D. ``seed``
        keys the stateless draws (``step_seed``) of XLA-compiled TensorFlow steps and of
        every JAX step."""
        super().__init__()
        self.seed = seed
        self.generator = generator
        self.discriminator = discriminator
        self.discriminator_features, self.decoder = reconstruction or (None, None)
        self.latent_dim = latent_dim
        self.ema_decay = ema_decay
        self.classes = classes
        self.ema_generator = None
        if ema_decay:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        averaged = self.ema_generator or generator
        self._sampler = noise_only(averaged, classes) if classes else averaged
        # Both parts are built functional models; without this, ``fit`` under a distribution
        # strategy would try to build the GAN by calling it on a batch of images.
        self.built = True

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer,
        d_optimizer: keras.optimizers.Optimizer,
        label_smoothing: float = 0.0,
        adversarial_loss: str = "bce",
        augment_policy: str = "",
        r1_gamma: float = 0.0,
        reconstruction_weight: float = 0.0,
        mode_seeking: float = 0.0,
        lecam: float = 0.0,
        **kwargs,
    ) -> None:
        """``adversarial_loss``: a name in ``losses.LOSSES``; ``augment_policy``: DiffAugment
        transforms such as ``"color,translation,cutout"`` (empty: none); ``r1_gamma``: weight
        of the R1 penalty on real images (0: none); ``reconstruction_weight``: weight of the
        decoder's L1 error on real images in D's loss (needs ``reconstruction``);
        ``mode_seeking``: weight of ``losses.mode_seeking`` in G's loss (0: none); ``lecam``:
        weight of ``losses.lecam`` in D's loss (0: none), whose running averages of D's real
        and fake logits (``logit_averages``) are created here, to be checkpointed."""
        super().compile(**kwargs)
        if adversarial_loss not in losses.LOSSES:
            raise ValueError(f"loss={adversarial_loss!r}; choose one of {list(losses.LOSSES)}")
        if label_smoothing and adversarial_loss != "bce":
            raise ValueError(f"label_smoothing applies to the bce loss, not {adversarial_loss}")
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        d_loss, self.g_loss_fn, self.gp_weight = losses.LOSSES[adversarial_loss]
        self.d_loss_fn = (
            functools.partial(d_loss, label_smoothing=label_smoothing)
            if label_smoothing
            else d_loss
        )
        augment.parse_policy(augment_policy)  # fail now, not at the first traced step
        self.augment_policy = augment_policy
        self.r1_gamma = r1_gamma
        if reconstruction_weight and self.decoder is None:
            raise ValueError("reconstruction_weight needs a GAN built with a reconstruction head")
        self.reconstruction_weight = reconstruction_weight
        self.mode_seeking = mode_seeking
        self.lecam = lecam
        self.logit_averages = None
        if lecam:
            # [real, fake]; "mean": under tf.distribute an update averages the replicas' values.
            self.logit_averages = self.add_weight(
                shape=(2,),
                initializer="zeros",
                trainable=False,
                aggregation="mean",
                name="lecam_logit_averages",
            )

    @property
    def sampler(self) -> keras.Model:
        """The generator that samples and is exported: the EMA copy when EMA is on, z only."""
        return self._sampler

    def call(self, z: Tensor, training: bool = False) -> Tensor:
        return self.sampler(z, training=training)

    def _augment(self, images: Tensor, seed: Tensor | None) -> Tensor:
        return augment.diff_augment(images, self.augment_policy, seed)

    def _conditioned(self, inputs: Tensor, labels: Tensor | None):
        """A model's inputs: the tensor alone, or with the labels when conditional."""
        return inputs if labels is None else [inputs, labels]

    def _discriminate(self, images: Tensor, labels: Tensor | None) -> Tensor:
        return self.discriminator(self._conditioned(images, labels), training=True)

    @staticmethod
    def _logs(d_losses, g_losses, real_logits, fake_logits, redraw_error) -> dict[str, Tensor]:
        """What a step reports: its own losses and D's mean belief in reals and fakes."""
        logs = {
            "d_loss": ops.mean(d_losses),
            "g_loss": ops.mean(g_losses),
            "d_real": ops.mean(ops.sigmoid(real_logits)),
            "d_fake": ops.mean(ops.sigmoid(fake_logits)),
        }
        if redraw_error is not None:
            logs["reconstruction_l1"] = ops.mean(redraw_error)
        return logs

    def _penalties(
        self,
        real_images: Tensor,
        fake_images: Tensor,
        seed: Tensor | None,
        labels: Tensor | None = None,
        critic: Callable[[Tensor], Tensor] | None = None,
    ) -> Tensor:
        """Per-example gradient penalties on D (zeros when none is configured); ``critic``:
        images -> D's logits, by default D itself in training mode (a stateless step passes
        D on its state)."""
        penalty = ops.zeros([ops.shape(real_images)[0]])
        critic = critic or functools.partial(self._discriminate, labels=labels)
        if self.r1_gamma:
            penalty += 0.5 * self.r1_gamma * losses.r1_penalty(critic, real_images)
        if self.gp_weight:
            penalty += self.gp_weight * losses.wgan_gradient_penalty(
                critic, real_images, fake_images, seed
            )
        return penalty

    @property
    def discriminator_weights(self) -> list:
        """What D's optimizer trains: D, and the decoder of its reconstruction head."""
        decoder = [] if self.decoder is None else self.decoder.trainable_weights
        return self.discriminator.trainable_weights + decoder
