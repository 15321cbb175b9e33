"""Adversarial losses on discriminator logits, averaged over the global batch.

Every function returns per-example losses; the caller reduces them with
``tf.nn.compute_average_loss`` so the mean is over the *global* batch under any
``tf.distribute`` strategy.
"""

from __future__ import annotations

import tensorflow as tf


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
