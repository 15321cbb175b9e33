"""The GAN's gradient step under JAX: a stateless ``train_step(state, data)`` for ``fit``.

Keras' JAX trainer hands the step every variable's value (``state``) and jit-compiles it; the
step runs G and D on those values in a ``keras.StatelessScope``, differentiates with
``jax.grad`` and returns the new values. It is the TensorFlow step (``step_tf``) written
functionally: the same updates, losses, penalties, DiffAugment, LeCam averages, EMA and
reconstruction head.
Its random draws are keyed by ``seed`` and the step (``step_seed``), so a run repeats and a
resumed one continues as an unbroken run would, whatever the process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import keras
from keras import ops

from gan_pipeline.gan import draws, losses
from gan_pipeline.metrics.features import area_resize

Values = dict[int, Any]  # id(variable) -> its value in this step


def _ids(variables: Sequence[keras.Variable]) -> list[int]:
    return [id(variable) for variable in variables]


def _position(variables: Sequence[keras.Variable], wanted: keras.Variable) -> int:
    """Where ``wanted`` is in ``variables`` (by identity: ``==`` on variables compares values)."""
    return next(index for index, variable in enumerate(variables) if variable is wanted)


def ramped_decay(limit: float, step) -> Any:
    """``min(limit, (1 + t) / (10 + t))`` at G step t, as ``step_tf`` ramps its averages."""
    step = ops.cast(step, "float32")
    return ops.minimum(limit, (1.0 + step) / (10.0 + step))


class BothOptimizers:
    """What Keras' JAX trainer keeps as ``model.optimizer``: the variables of G's and D's
    optimizers as one list, G's first, so that they travel in the step's ``state``."""

    built = True

    def __init__(self, model: keras.Model):
        self._model = model

    @property
    def variables(self) -> list[keras.Variable]:
        return [*self._model.g_optimizer.variables, *self._model.d_optimizer.variables]


class Critic:
    """D as the gradient penalties call it: images -> logits on the step's values, each call's
    writes (spectral normalisation's) kept for the next, as a TensorFlow step keeps them.
    ``ops_jax.input_gradients`` calls ``traced`` and hands back the writes (``record``)."""

    def __init__(self, gan, values: Values, labels: Any):
        self.gan, self.values, self.labels = gan, values, labels

    def traced(self, images: Any) -> tuple[Any, Values]:
        inputs = self.gan._conditioned(images, self.labels)
        return self.gan._run(self.gan.discriminator, self.values, inputs)

    def record(self, values: Values) -> None:
        self.values = values

    def __call__(self, images: Any) -> Any:
        logits, self.values = self.traced(images)
        return logits


class GradientStep:
    """``GAN``'s training step under JAX and what only it needs."""

    def compile(self, **kwargs) -> None:
        super().compile(**kwargs)
        self.optimizer = BothOptimizers(self)

    def step_seed(self, step: Any) -> jax.Array:
        """The PRNG key of G step ``step``: ``seed`` with the step folded in."""
        return jax.random.fold_in(jax.random.PRNGKey(self.seed), step)

    def _run(self, model: keras.Model, values: Values, inputs: Any) -> tuple[Any, Values]:
        """``model`` in training mode on ``values``: its outputs, and ``values`` with what the
        call wrote to the model's variables (BatchNorm statistics, dropout seeds, and what
        ``SpectralNormalization`` writes: its vector and the normalised kernel, kept as the
        TensorFlow step keeps them; ``stateless_call`` would drop a trainable one)."""
        mapping = [(variable, values[id(variable)]) for variable in model.variables]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            outputs = model(inputs, training=True)
        written = {id(v): scope.get_current_value(v) for v in model.variables}
        return outputs, {**values, **written}

    @staticmethod
    def _scaled(optimizer: keras.optimizers.Optimizer, state: list, loss: Any) -> Any:
        """``optimizer.scale_loss`` on the optimizer's values in ``state`` (a loss-scale
        optimizer reads its scale from them)."""
        with keras.StatelessScope(state_mapping=list(zip(optimizer.variables, state, strict=True))):
            return optimizer.scale_loss(loss)

    def _real_logits(
        self, values: Values, real_images: Any, labels: Any
    ) -> tuple[Any, Any | None, Values]:
        """D's logits for real images and, with a reconstruction head, the per-example L1
        error of redrawing them from D's features (``None`` without one)."""
        inputs = self._conditioned(real_images, labels)
        if self.decoder is None:
            logits, values = self._run(self.discriminator, values, inputs)
            return logits, None, values
        (logits, features), values = self._run(self.discriminator_features, values, inputs)
        redrawn, values = self._run(self.decoder, values, features)
        target = area_resize(ops.cast(real_images, "float32"), *redrawn.shape[1:3])
        return logits, ops.mean(ops.abs(redrawn - target), axis=[1, 2, 3]), values

    def _d_loss(
        self, weights: list, values: Values, real_images, labels, z, seeds, step, optimizer_state
    ):
        """D's scaled mean loss on its ``weights``, and (values, per-example losses, logits,
        reconstruction error) as the auxiliary output of ``jax.grad``."""
        values = {**values, **dict(zip(_ids(self.discriminator_weights), weights, strict=True))}
        fake_images, values = self._run(self.generator, values, self._conditioned(z, labels))
        real_seen = self._augment(real_images, seeds[1])
        fake_seen = self._augment(fake_images, seeds[2])
        real_logits, redraw_error, values = self._real_logits(values, real_seen, labels)
        fake_logits, values = self._run(
            self.discriminator, values, self._conditioned(fake_seen, labels)
        )
        d_losses = self.d_loss_fn(real_logits, fake_logits)
        critic = Critic(self, values, labels)
        d_losses += self._penalties(real_seen, fake_seen, seeds[3], labels, critic)
        values = critic.values
        if redraw_error is not None:
            d_losses += self.reconstruction_weight * redraw_error
        if self.lecam:
            # The logits' running averages move to this step's means (decay 0.99, ramped).
            means = ops.stack(
                [ops.mean(ops.cast(x, "float32")) for x in (real_logits, fake_logits)]
            )
            decay = ramped_decay(0.99, step)
            key = id(self.logit_averages)
            values[key] = decay * values[key] + (1.0 - decay) * means
            averages = jax.lax.stop_gradient(values[key])
            d_losses += self.lecam * losses.lecam(
                real_logits, fake_logits, averages[0], averages[1]
            )
        scaled = self._scaled(self.d_optimizer, optimizer_state, ops.mean(d_losses))
        return scaled, (values, d_losses, real_logits, fake_logits, redraw_error)

    def _g_loss(self, weights: list, values: Values, labels, z, seed, optimizer_state):
        """G's scaled mean loss on its ``weights``, and (values, per-example losses)."""
        values = {
            **values,
            **dict(zip(_ids(self.generator.trainable_variables), weights, strict=True)),
        }
        fake_images, values = self._run(self.generator, values, self._conditioned(z, labels))
        fake_seen = self._augment(fake_images, seed)
        fake_logits, values = self._run(
            self.discriminator, values, self._conditioned(fake_seen, labels)
        )
        g_losses = self.g_loss_fn(fake_logits)
        if self.mode_seeking:
            g_losses += self.mode_seeking * losses.mode_seeking(z, fake_images)
        scaled = self._scaled(self.g_optimizer, optimizer_state, ops.mean(g_losses))
        return scaled, (values, g_losses)

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_state, metrics = state
        values = dict(zip(_ids(self.trainable_variables), trainable, strict=True))
        values.update(zip(_ids(self.non_trainable_variables), non_trainable, strict=True))
        split = len(self.g_optimizer.variables)
        g_state, d_state = list(optimizer_state[:split]), list(optimizer_state[split:])
        iterations = _position(self.g_optimizer.variables, self.g_optimizer.iterations)
        # Batches come as (images,) or, conditional, as (images, labels): Keras' (x, y).
        real_images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        batch = real_images.shape[0]
        step = g_state[iterations]
        # One key per draw: z, augmentations and penalty of D's update, z and augmentation of G's.
        seeds = draws.split(self.step_seed(step), 6)

        z = draws.normal((batch, self.latent_dim), seeds[0])
        d_weights = _ids(self.discriminator_weights)
        grads, (values, d_losses, real_logits, fake_logits, redraw_error) = jax.grad(
            self._d_loss, has_aux=True
        )([values[i] for i in d_weights], values, real_images, labels, z, seeds, step, d_state)
        updated, d_state = self.d_optimizer.stateless_apply(
            d_state, grads, [values[i] for i in d_weights]
        )
        values.update(zip(d_weights, updated, strict=True))

        z = draws.normal((batch, self.latent_dim), seeds[4])
        g_weights = _ids(self.generator.trainable_variables)
        grads, (values, g_losses) = jax.grad(self._g_loss, has_aux=True)(
            [values[i] for i in g_weights], values, labels, z, seeds[5], g_state
        )
        updated, g_state = self.g_optimizer.stateless_apply(
            g_state, grads, [values[i] for i in g_weights]
        )
        values.update(zip(g_weights, updated, strict=True))
        if self.ema_generator is not None:
            # ema <- d * ema + (1 - d) * weights, BatchNorm statistics included.
            decay = ramped_decay(self.ema_decay, g_state[iterations])
            pairs = zip(self.ema_generator.weights, self.generator.weights, strict=True)
            for average, weight in pairs:
                values[id(average)] = (
                    decay * values[id(average)] + (1.0 - decay) * values[id(weight)]
                )

        logs = self._logs(d_losses, g_losses, real_logits, fake_logits, redraw_error)
        state = (
            [values[i] for i in _ids(self.trainable_variables)],
            [values[i] for i in _ids(self.non_trainable_variables)],
            [*g_state, *d_state],
            metrics,
        )
        return logs, state
