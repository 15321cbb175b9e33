"""The GAN as a ``keras.Model``: ``fit`` brings progress bars, callbacks and distribution."""

from __future__ import annotations

import keras
import tensorflow as tf

from gan_pipeline.gan import losses


class GAN(keras.Model):
    """Alternating D/G updates in one ``train_step`` (the keras-io DCGAN pattern).

    ``train_step`` returns the step's own values (not running means), so the loss history
    a callback records is per step; Keras' progress bar averages them for display.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent_dim: int):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer,
        d_optimizer: keras.optimizers.Optimizer,
        label_smoothing: float = 0.0,
        **kwargs,
    ) -> None:
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        self.label_smoothing = label_smoothing

    def call(self, z: tf.Tensor, training: bool = False) -> tf.Tensor:
        return self.generator(z, training=training)

    def _average(self, per_example: tf.Tensor) -> tf.Tensor:
        """Loss to differentiate: sum over this replica / *global* batch.

        Gradients are summed across replicas, so this gives the global mean gradient under
        any strategy. (The logged values are per-replica means instead: Keras averages logs
        over replicas.)
        """
        return tf.nn.compute_average_loss(per_example)

    def train_step(self, real_images: tf.Tensor) -> dict[str, tf.Tensor]:
        batch = tf.shape(real_images)[0]
        z = tf.random.normal((batch, self.latent_dim))
        with tf.GradientTape() as tape:
            fake_images = self.generator(z, training=True)
            real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            d_losses = losses.bce_discriminator_loss(real_logits, fake_logits, self.label_smoothing)
            d_scaled = self.d_optimizer.scale_loss(self._average(d_losses))
        grads = tape.gradient(d_scaled, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        z = tf.random.normal((batch, self.latent_dim))
        with tf.GradientTape() as tape:
            fake_logits_g = self.discriminator(self.generator(z, training=True), training=True)
            g_losses = losses.bce_generator_loss(fake_logits_g)
            g_scaled = self.g_optimizer.scale_loss(self._average(g_losses))
        grads = tape.gradient(g_scaled, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)

        return {
            "d_loss": tf.reduce_mean(d_losses),
            "g_loss": tf.reduce_mean(g_losses),
            "d_real": tf.reduce_mean(tf.sigmoid(real_logits)),
            "d_fake": tf.reduce_mean(tf.sigmoid(fake_logits)),
        }
