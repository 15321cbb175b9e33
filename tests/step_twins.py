"""Two steps of one small GAN whose random draws are fixed numbers, under whichever Keras
backend this process runs: the JAX-backend test runs it under TensorFlow (the test process)
and under JAX (``python step_twins.py INITIAL OUT`` in a subprocess), from the same initial
weights, and compares. The backends' random generators differ by design; with the draws
fixed, the two steps must compute the same updates."""

from __future__ import annotations

import sys
from pathlib import Path

import keras
import numpy as np

from gan_pipeline.gan import backend, draws
from gan_pipeline.gan.training import ModelConfig, TrainConfig, build_gan

MODEL = ModelConfig(latent_dim=8, width=4, minibatch_std=True, minibatch_std_group=2)
# Every option but DiffAugment (its transforms are checked on their own, test_augment.py).
SETTINGS = TrainConfig(
    steps=2,
    batch_size=4,
    checkpoint_every=1,
    verbose=0,
    precision="float32",
    loss="hinge",
    ema_decay=0.9,
    r1_gamma=1.0,
    reconstruction=1.0,
    mode_seeking=0.1,
    lecam=0.3,
    lr_decay_steps=2,
)


def fixed_draws() -> dict:
    """Replacements for ``draws.normal`` and ``draws.uniform``: the k-th draw of a trace is
    numbers from ``default_rng(k)``, whatever the seed (each backend traces its step once)."""
    count = [0]

    def numbers(shape, kind, minval=0, maxval=None, dtype="float32"):
        count[0] += 1
        rng = np.random.default_rng(count[0])
        shape = [size if isinstance(size, int) else SETTINGS.batch_size for size in shape]
        if kind == "normal":
            return keras.ops.convert_to_tensor(rng.standard_normal(shape).astype("float32"))
        return keras.ops.convert_to_tensor(rng.uniform(size=shape).astype("float32"))

    return {
        "normal": lambda shape, seed: numbers(shape, "normal"),
        "uniform": lambda shape, seed, *args: numbers(shape, "uniform", *args),
    }


def two_steps(initial: Path, write_initial: bool) -> dict[str, list[np.ndarray]]:
    """Build the GAN (its initial weights written to, or read from, ``initial``), train two
    steps on one fixed batch; the weights after, and the second step's logs."""
    gan = build_gan((16, 16, 3), MODEL, SETTINGS)
    parts = [gan.generator, gan.discriminator, gan.decoder]
    if write_initial:
        np.savez(initial, *[w for part in parts for w in part.get_weights()])
    else:
        with np.load(initial) as stored:
            weights = [stored[f"arr_{i}"] for i in range(len(stored.files))]
        for part in parts:
            part.set_weights(weights[: len(part.weights)])
            weights = weights[len(part.weights) :]
        gan.ema_generator.set_weights(gan.generator.get_weights())
    batch = np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 3)).astype("float32")
    if backend.NAME == "tensorflow":
        import tensorflow as tf  # noqa: PLC0415

        data = tf.data.Dataset.from_tensors(batch).repeat()
    else:

        def endless():
            while True:
                yield (batch,)

        data = endless()
    logs = gan.fit(data, steps_per_epoch=2, epochs=1, verbose=0, shuffle=False).history
    models = (gan.generator, gan.ema_generator, gan.discriminator, gan.decoder)
    return {
        "weights": [np.asarray(w) for model in models for w in model.weights],
        "logs": [logs[name][-1] for name in sorted(logs)],
        "lecam": [np.asarray(gan.logit_averages)],
    }


if __name__ == "__main__":
    for name, replacement in fixed_draws().items():
        setattr(draws, name, replacement)
    result = two_steps(Path(sys.argv[1]), write_initial=False)
    weights = {f"arr_{index}": weight for index, weight in enumerate(result["weights"])}
    np.savez(sys.argv[2], logs=result["logs"], lecam=result["lecam"][0], **weights)
