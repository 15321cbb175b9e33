"""The GAN's gradient step under TensorFlow: ``tf.GradientTape``, under any ``tf.distribute``
strategy (``GAN`` in ``model.py`` takes it from here when Keras runs on TensorFlow)."""

from __future__ import annotations

import tensorflow as tf

from gan_pipeline.gan import draws, losses
from gan_pipeline.metrics.features import area_resize


def pack_labels(images: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
    """A batch of images and their class labels as one tensor: the label as an extra channel.

    Keras 3 builds a model under a distribution strategy by reducing its first batch over
    the replicas, and under MultiWorkerMirroredStrategy that reduce takes one tensor, not an
    ``(images, labels)`` tuple; packed per batch after caching, this costs no memory.
    """
    plane = tf.ones_like(images[..., :1]) * tf.cast(labels, images.dtype)[:, None, None, None]
    return tf.concat([images, plane], axis=-1)


def unpack_labels(batch: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """``pack_labels`` undone: the images, and the labels as (N, 1) int32."""
    return batch[..., :-1], tf.cast(batch[:, 0, 0, -1:], tf.int32)


class GradientStep:
    """``GAN``'s training step and what only it needs: D and G updated in turn, each under a
    ``tf.GradientTape``; the logs are the step's own values."""

    def _average(self, per_example: tf.Tensor) -> tf.Tensor:
        """Loss to differentiate: sum over this replica / *global* batch.

        Gradients are summed across replicas, so this gives the global mean gradient under
        any strategy. (The logged values are per-replica means instead: Keras averages logs
        over replicas.)
        """
        return tf.nn.compute_average_loss(per_example)

    def step_seed(self) -> tf.Tensor:
        """The seed of this training step on this replica: ``seed``, the step and the replica.

        An XLA-compiled step draws statelessly from seeds split off this one: XLA ignores
        TensorFlow's op seeds, so stateful draws would make two XLA runs of one seed differ.
        The replica is folded in so that replicas draw different z. Steps without XLA keep
        TensorFlow's stateful draws (``gan.draws``), and with them earlier runs' numbers.
        """
        step = tf.cast(self.g_optimizer.iterations, tf.int64)
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        key = tf.stack([tf.constant(self.seed, tf.int64), step])
        return tf.random.experimental.stateless_fold_in(key, tf.cast(replica, tf.int64))

    def _real_logits(
        self, real_images: tf.Tensor, labels: tf.Tensor | None = None
    ) -> tuple[tf.Tensor, tf.Tensor | None]:
        """D's logits for real images and, with a reconstruction head, the per-example L1
        error of redrawing them from D's features (``None`` without one)."""
        if self.decoder is None:
            return self._discriminate(real_images, labels), None
        logits, features = self.discriminator_features(
            self._conditioned(real_images, labels), training=True
        )
        redrawn = self.decoder(features, training=True)
        target = area_resize(tf.cast(real_images, tf.float32), *redrawn.shape[1:3])
        return logits, tf.reduce_mean(tf.abs(redrawn - target), axis=[1, 2, 3])

    def _ramped_decay(self, limit: float) -> tf.Tensor:
        """``min(limit, (1 + t) / (10 + t))`` at G step t (the rule of
        ``tf.train.ExponentialMovingAverage``): early averages follow the newest values
        instead of their starting point."""
        step = tf.cast(self.g_optimizer.iterations, tf.float32)
        return tf.minimum(limit, (1.0 + step) / (10.0 + step))

    def _lecam_penalty(self, real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
        """Per-example LeCam term of D's loss, after moving the logits' running averages
        (decay 0.99 as in the paper's StyleGAN2 code) to this step's means."""
        means = tf.stack(
            [tf.reduce_mean(tf.cast(logits, tf.float32)) for logits in (real_logits, fake_logits)]
        )
        decay = self._ramped_decay(0.99)
        self.logit_averages.assign(decay * self.logit_averages + (1.0 - decay) * means)
        averages = tf.stop_gradient(tf.convert_to_tensor(self.logit_averages))
        return self.lecam * losses.lecam(real_logits, fake_logits, averages[0], averages[1])

    def _update_ema(self) -> None:
        """ema <- d * ema + (1 - d) * weights, BatchNorm statistics included.

        ``d = _ramped_decay(ema_decay)``, so early samples follow the generator instead of its
        random initialisation. The update runs in cross-replica context, once per mirrored
        copy, so it also holds under a ``tf.distribute`` strategy.
        """
        decay = self._ramped_decay(self.ema_decay)

        def move(average: tf.Variable, weight: tf.Tensor, decay: tf.Tensor) -> tf.Operation:
            return average.assign(decay * average + (1.0 - decay) * weight)

        def update(strategy: tf.distribute.Strategy, decay: tf.Tensor) -> None:
            pairs = zip(self.ema_generator.weights, self.generator.weights, strict=True)
            for average, weight in pairs:
                strategy.extended.update(
                    average.value, move, args=(weight.value, decay), group=False
                )

        tf.distribute.get_replica_context().merge_call(update, args=(decay,))

    def train_step(self, data) -> dict[str, tf.Tensor]:
        real_images, labels = unpack_labels(data) if self.classes else (data, None)
        batch = tf.shape(real_images)[0]
        # One seed per draw (None: stateful): z, augmentations and penalty of D's update,
        # then z and augmentation of G's.
        seeds = draws.split(self.step_seed() if self.jit_compile else None, 6)
        z = draws.normal((batch, self.latent_dim), seeds[0])
        with tf.GradientTape() as tape:
            fake_images = self.generator(self._conditioned(z, labels), training=True)
            real_seen = self._augment(real_images, seeds[1])
            fake_seen = self._augment(fake_images, seeds[2])
            real_logits, redraw_error = self._real_logits(real_seen, labels)
            fake_logits = self._discriminate(fake_seen, labels)
            d_losses = self.d_loss_fn(real_logits, fake_logits)
            d_losses += self._penalties(real_seen, fake_seen, seeds[3], labels)
            if redraw_error is not None:
                d_losses += self.reconstruction_weight * redraw_error
            if self.lecam:
                d_losses += self._lecam_penalty(real_logits, fake_logits)
            d_scaled = self.d_optimizer.scale_loss(self._average(d_losses))
        grads = tape.gradient(d_scaled, self.discriminator_weights)
        self.d_optimizer.apply(grads, self.discriminator_weights)

        z = draws.normal((batch, self.latent_dim), seeds[4])
        with tf.GradientTape() as tape:
            fake_images = self.generator(self._conditioned(z, labels), training=True)
            fake_logits_g = self._discriminate(self._augment(fake_images, seeds[5]), labels)
            g_losses = self.g_loss_fn(fake_logits_g)
            if self.mode_seeking:
                g_losses += self.mode_seeking * losses.mode_seeking(z, fake_images)
            g_scaled = self.g_optimizer.scale_loss(self._average(g_losses))
        grads = tape.gradient(g_scaled, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        if self.ema_generator is not None:
            self._update_ema()

        logs = self._logs(d_losses, g_losses, real_logits, fake_logits, redraw_error)
        if isinstance(self.distribute_strategy, tf.distribute.MultiWorkerMirroredStrategy):
            # Keras 3 reduces multi-worker logs with strategy.reduce(MEAN, axis=0), which rejects
            # scalars (tensorflow/tensorflow#72388); a length-1 axis comes back as a scalar mean.
            logs = {name: tf.reshape(value, [1]) for name, value in logs.items()}
        return logs
