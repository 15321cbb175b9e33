"""Train a GAN on an image array: seeded, checkpointed, resumable.

Small functions (``make_dataset``, ``build_gan``, ``restore``) compose into ``train``, the
one entry point the Kedro node and the benchmarks call.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import keras
import numpy as np
import pandas as pd
from keras import ops

from gan_pipeline.gan import backend
from gan_pipeline.gan.architecture import (
    build_discriminator,
    build_generator,
    reconstruction_head,
)
from gan_pipeline.gan.callbacks import (
    Checkpointing,
    NonFiniteLossGuard,
    Progress,
    TrainingRecord,
)
from gan_pipeline.gan.checkpoints import remove_partial_writes
from gan_pipeline.gan.conditional import class_count
from gan_pipeline.gan.config import ModelConfig, TrainConfig
from gan_pipeline.gan.files import writable_state_dir
from gan_pipeline.gan.model import GAN
from gan_pipeline.run.stopping import Terminated

log = logging.getLogger(__name__)

# Input, checkpoints and distribution of the Keras backend in use (engine_tf, engine_jax).
engine = backend.load("engine")
make_dataset = engine.make_dataset


@dataclass
class TrainResult:
    generator: keras.Model
    discriminator: keras.Model
    history: pd.DataFrame
    grids: dict[int, np.ndarray] = field(default_factory=dict)
    resumed_from: int = 0


def run_directory(
    model: ModelConfig, train: TrainConfig, images: np.ndarray, labels: np.ndarray | None = None
) -> Path:
    """Checkpoint folder for this exact run: settings, step count, training data and GAN code.

    Rerunning the same command resumes from it; anything that would change the result (a
    hyper-parameter, ``steps``, the images, the code in this package, the Keras backend) gets
    a fresh folder, so a rerun under ``dvc repro`` after a data or code change never returns a
    stale model, and a JAX run never resumes a TensorFlow one (their checkpoints differ).
    """
    settings = {**asdict(model), **asdict(train)}
    for volatile in ("verbose", "checkpoint_dir", "devices", "collective_timeout_s"):
        settings.pop(volatile)
    settings["images_sha1"] = hashlib.sha1(np.ascontiguousarray(images)).hexdigest()
    if model.conditional:
        settings["labels_sha1"] = hashlib.sha1(np.ascontiguousarray(labels)).hexdigest()
    settings["code_sha1"] = _code_fingerprint()
    if backend.NAME != "tensorflow":  # TensorFlow runs keep the keys they always had
        settings["backend"] = backend.NAME
    key = hashlib.sha1(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    return Path(train.checkpoint_dir) / key


def _code_fingerprint() -> str:
    digest = hashlib.sha1()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


class LinearTail(keras.optimizers.schedules.LearningRateSchedule):
    """Constant ``rate``, then a linear fall to 0 over the last ``decay_steps`` of ``steps``.

    Annealing at the end settles G and D where a constant rate keeps them circling. The
    schedule reads the optimizer's step counter, which checkpoints restore, so a resumed run
    continues the same curve.
    """

    def __init__(self, rate: float, steps: int, decay_steps: int):
        self.rate, self.steps, self.decay_steps = rate, steps, decay_steps

    def __call__(self, step):
        left = (self.steps - ops.cast(step, "float32")) / self.decay_steps
        return self.rate * ops.clip(left, 0.0, 1.0)

    def get_config(self) -> dict:
        return {"rate": self.rate, "steps": self.steps, "decay_steps": self.decay_steps}


def build_gan(
    image_shape: tuple[int, int, int], model: ModelConfig, train: TrainConfig, classes: int = 0
) -> GAN:
    """Generator, discriminator and their Adam optimizers under the chosen precision;
    ``classes`` > 0 (with ``model.conditional``) builds both class-conditional."""
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(train.precision)
    try:
        generator = build_generator(
            image_shape,
            model.latent_dim,
            model.width,
            model.kernel_size,
            model.upsample,
            model.skip_excitation,
            classes,
            model.attention_size,
        )
        discriminator = build_discriminator(
            image_shape,
            model.width_d or model.width,
            model.kernel_size,
            model.dropout,
            model.spectral_norm,
            model.extra_levels_d,
            classes,
            model.minibatch_std,
            model.minibatch_std_group,
        )
        head = None
        if train.reconstruction:
            head = reconstruction_head(discriminator, image_shape[-1])
        gan = GAN(
            generator, discriminator, model.latent_dim, train.ema_decay, head, classes, train.seed
        )
    finally:
        keras.mixed_precision.set_global_policy(previous)

    def adam(lr: float) -> keras.optimizers.Optimizer:
        if train.lr_decay_steps:
            lr = LinearTail(lr, train.steps, train.decay_steps)
        optimizer = keras.optimizers.Adam(lr, beta_1=train.beta_1, beta_2=train.beta_2)
        if train.precision == "mixed_float16":
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        return optimizer

    gan.compile(
        g_optimizer=adam(train.lr_g),
        d_optimizer=adam(train.lr_d),
        label_smoothing=train.label_smoothing,
        adversarial_loss=train.loss,
        augment_policy=train.augment,
        r1_gamma=train.r1_gamma,
        reconstruction_weight=train.reconstruction,
        mode_seeking=train.mode_seeking,
        lecam=train.lecam,
        steps_per_execution=train.steps_per_execution,
        jit_compile=train.jit_compile,
    )
    # Create optimizer slots now so a checkpoint restores them instead of deferring.
    gan.g_optimizer.build(generator.trainable_variables)
    gan.d_optimizer.build(gan.discriminator_weights)
    return gan


def train(
    images: np.ndarray,
    model: ModelConfig,
    train: TrainConfig,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    labels: np.ndarray | None = None,
    state_dir: Path | None = None,
) -> TrainResult:
    """Train (or resume training) a GAN on ``images`` of shape (N, H, W, C) in [-1, 1].

    Extra ``callbacks`` run before the step record, the NaN guard, checkpointing and the
    progress line, so values they add to ``logs`` land in the history. ``labels``: the class
    of every image, 0..K-1, used when ``model.conditional``. ``state_dir``: the run's folder,
    as ``run_directory`` gives it, from a caller whose callbacks keep state there too (the
    training node's quality monitor); computed here when not given.
    """
    if images.ndim != 4 or not np.isfinite(images).all():
        raise ValueError(f"expected finite images of shape (N, H, W, C), got {images.shape}")
    classes = class_count(model, labels, len(images))
    if len(images) < train.batch_size:
        raise ValueError(f"{len(images)} images is fewer than one batch of {train.batch_size}")
    group = model.minibatch_std_group if model.minibatch_std else 0
    if group and train.batch_size % group:
        raise ValueError(
            f"train.batch_size={train.batch_size} does not split into "
            f"model.minibatch_std_group={group}: want a divisor of the batch"
        )
    if train.decay_steps < train.lr_decay_steps:
        log.info(
            "train.lr_decay_steps=%d is longer than this run's %d steps: the learning rates "
            "fall to 0 over all %d",
            train.lr_decay_steps,
            train.steps,
            train.steps,
        )
    # Multi-worker collectives must be configured before any other TF work in the process.
    strategy = engine.make_strategy(train.distribution, train.devices, train.collective_timeout_s)
    engine.set_random_seed(train.seed)
    image_shape = tuple(images.shape[1:])
    state_dir = state_dir or run_directory(model, train, images, labels)
    with strategy.scope():
        gan = build_gan(image_shape, model, train, classes)
        checkpoints = engine.Checkpoints(gan)
    fixed_noise = np.random.default_rng(train.seed).standard_normal(
        (train.sample_count, model.latent_dim), dtype=np.float32
    )
    chief = engine.is_chief(strategy)
    with writable_state_dir(state_dir, chief) as write_dir:
        if chief:
            remove_partial_writes(state_dir)
        # Every worker restores from the chief's folder (shared storage when multi-worker);
        # a damaged newest checkpoint is moved aside and the one before it restored.
        latest = checkpoints.restore(state_dir)
        checkpoints.keep_in(write_dir)
        record = TrainingRecord(write_dir, fixed_noise, train.batch_size)
        resumed_from = checkpoints.step
        if latest:
            record.restore(state_dir, resumed_from)
            log.info("Resuming from %s (step %d)", latest, resumed_from)
            # Fresh noise after a resume, still reproducible for the same resume point (an XLA
            # step's draws are keyed by the step instead: GAN.step_seed).
            engine.set_random_seed(train.seed + resumed_from)
        if resumed_from < train.steps:
            with _stop_logged(record, checkpoints):
                _fit(
                    gan,
                    make_dataset(
                        images,
                        train.batch_size,
                        train.seed,
                        labels if classes else None,
                        train.mirror,
                    ),
                    train,
                    resumed_from,
                    [
                        *callbacks,
                        record,
                        NonFiniteLossGuard(state_dir),
                        Checkpointing(checkpoints, record),
                        Progress(write_dir, train.steps, str(state_dir)),
                    ],
                )
    return TrainResult(gan.sampler, gan.discriminator, record.history(), record.grids, resumed_from)


@contextmanager
def _stop_logged(record: TrainingRecord, checkpoints) -> Iterator[None]:
    """A SIGTERM or Ctrl-C during training says the step it reached and what a rerun resumes
    from, then goes on stopping the process."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit) as stop:
        cause = {Terminated: "SIGTERM", KeyboardInterrupt: "Ctrl-C"}.get(type(stop), "exit")
        reached = int(record.rows[-1]["step"]) if record.rows else 0
        saved = checkpoints.latest()
        if saved:
            resume = (
                f"checkpoint at step {saved[0]} in {saved[1]}; rerun the same command to resume"
            )
        else:
            resume = "no checkpoint yet; a rerun starts over"
        log.warning("%s: stopping at step %d; %s", cause, reached, resume)
        raise


def _fit(gan, data, train: TrainConfig, resumed_from: int, callbacks) -> None:
    try:
        gan.fit(
            data,
            steps_per_epoch=train.checkpoint_every,
            epochs=train.steps // train.checkpoint_every,
            initial_epoch=resumed_from // train.checkpoint_every,
            callbacks=callbacks,
            verbose=train.verbose,
            shuffle=False,  # the dataset shuffles itself
        )
    except engine.RETRYABLE as error:
        if train.distribution != "multi_worker":
            raise
        raise RuntimeError(
            f"multi-worker training lost contact with a peer ({type(error).__name__}: "
            f"{str(error).splitlines()[0]}). Restart every worker with the same command; "
            f"they resume from the last checkpoint in {train.checkpoint_dir}."
        ) from error
