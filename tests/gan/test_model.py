"""The GAN model's few-shot options: EMA generator, losses, penalties, spectral norm."""

from dataclasses import replace

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_pipeline.gan.images import make_grid
from gan_pipeline.gan.training import ModelConfig, TrainConfig, build_gan, make_dataset, train

TINY_MODEL = ModelConfig(latent_dim=8, width=4)


@pytest.fixture
def tiny(tiny) -> TrainConfig:
    """conftest's settings, one checkpoint round of two steps."""
    return replace(tiny, steps=2)


class WeightLog(keras.callbacks.Callback):
    """The trained generator's weights after every step."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_train_batch_end(self, batch, logs=None):
        self.weights.append(self.model.generator.get_weights())


def test_ema_generator_follows_the_ramped_moving_average(mnist_sample, tiny):
    decay = 0.9
    gan = build_gan((28, 28, 1), TINY_MODEL, replace(tiny, ema_decay=decay))
    average = gan.generator.get_weights()  # the copy starts equal to the generator
    log = WeightLog()
    dataset = make_dataset(mnist_sample, 16, 0)
    gan.fit(dataset, steps_per_epoch=3, callbacks=[log], verbose=0, shuffle=False)
    for step, weights in enumerate(log.weights, start=1):
        d = min(decay, (1 + step) / (10 + step))
        average = [d * a + (1 - d) * w for a, w in zip(average, weights, strict=True)]
    for expected, actual in zip(average, gan.sampler.get_weights(), strict=True):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)
    assert gan.sampler is gan.ema_generator
    assert not np.allclose(gan.sampler.get_weights()[0], gan.generator.get_weights()[0])


def test_without_ema_the_trained_generator_samples_and_is_exported(tiny):
    gan = build_gan((28, 28, 1), TINY_MODEL, tiny)
    assert gan.ema_generator is None and gan.sampler is gan.generator


def test_ema_generator_is_exported_drawn_and_checkpointed(mnist_sample, tiny):
    ema = replace(tiny, ema_decay=0.9)
    result = train(mnist_sample, TINY_MODEL, ema)
    noise = np.random.default_rng(ema.seed).standard_normal((4, 8), dtype=np.float32)
    # The last sample grid is drawn by the exported generator.
    np.testing.assert_array_equal(result.grids[2], make_grid(result.generator(noise).numpy()))
    # Rerunning resumes at the end without training: the EMA weights come from the checkpoint
    # (a fresh copy of the restored generator would differ).
    again = train(mnist_sample, TINY_MODEL, ema)
    assert again.resumed_from == 2
    for saved, restored in zip(
        result.generator.get_weights(), again.generator.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(saved, restored)


@pytest.mark.parametrize(
    ("model", "options"),
    [
        (ModelConfig(latent_dim=8, width=4, spectral_norm=True), {"loss": "hinge"}),
        (TINY_MODEL, {"loss": "wgan-gp", "augment": "translation,cutout"}),
        (
            replace(TINY_MODEL, minibatch_std=True),
            {"r1_gamma": 1.0, "augment": "color", "ema_decay": 0.5},
        ),
    ],
    ids=["hinge-spectral-norm", "wgan-gp-augment", "bce-r1-ema-minibatch-std"],
)
def test_few_shot_options_train(mnist_sample, tiny, model, options):
    result = train(mnist_sample, model, replace(tiny, **options))
    assert np.isfinite(result.history[["d_loss", "g_loss"]].to_numpy()).all()
    assert result.generator.output_shape == (None, 28, 28, 1)
    wrapped = [type(layer).__name__ for layer in result.discriminator.layers]
    assert ("SpectralNormalization" in wrapped) == model.spectral_norm
    assert ("MinibatchStdDev" in wrapped) == model.minibatch_std


@pytest.mark.parametrize(
    ("options", "penalised"),
    [({}, False), ({"loss": "hinge"}, False), ({"loss": "wgan-gp"}, True), ({"r1_gamma": 1}, True)],
)
def test_gradient_penalties_follow_the_settings(mnist_sample, tiny, options, penalised):
    gan = build_gan((28, 28, 1), TINY_MODEL, replace(tiny, **options))
    real = tf.constant(mnist_sample[:4])
    fake = gan.generator(tf.random.normal((4, 8)))
    penalty = gan._penalties(real, fake, gan.step_seed()).numpy()
    assert penalty.shape == (4,)
    assert (penalty > 0).all() if penalised else (penalty == 0).all()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        # The settings refuse it (gan/config.py) before anything is built.
        ({"loss": "lsgan"}, r"loss='lsgan': unknown \['lsgan'\]; choose from \['bce', 'hinge', "),
        ({"loss": "hinge", "label_smoothing": 0.1}, "label_smoothing applies to the bce loss"),
        ({"augment": "colour"}, "unknown DiffAugment transform"),
    ],
)
def test_bad_options_are_rejected_when_building(tiny, options, message):
    with pytest.raises(ValueError, match=message):
        build_gan((28, 28, 1), TINY_MODEL, replace(tiny, **options))


def test_ema_under_a_mirrored_strategy(mnist_sample, tiny):
    mirrored = replace(tiny, distribution="mirrored", devices=("/cpu:0",), ema_decay=0.9)
    result = train(mnist_sample, TINY_MODEL, mirrored)
    assert np.isfinite(result.history[["d_loss", "g_loss"]].to_numpy()).all()


@pytest.mark.parametrize("jit_compile", [False, True])
def test_reconstruction_head_trains_with_d_and_is_checkpointed(
    face_photos, tiny, tmp_path, jit_compile
):
    """Under XLA too (the CPU preset compiles its step): the decoder's target is shrunk
    with ``keras.ops``, as XLA has no kernel for TensorFlow's area resize."""
    model = ModelConfig(latent_dim=8, width=4, upsample="resize", skip_excitation=True)
    config = replace(tiny, steps=4, batch_size=8, reconstruction=1.0, jit_compile=jit_compile)
    result = train(face_photos, model, config)
    assert np.isfinite(result.history["reconstruction_l1"]).all()
    # The exported D is the plain one; the decoder trained beside it and is in the checkpoint.
    assert result.discriminator.output_shape == (None, 1)
    gan = build_gan((32, 32, 3), model, config)
    latest = tf.train.latest_checkpoint(str(next(tmp_path.iterdir())))
    saved = {name for name, _ in tf.train.list_variables(latest)}
    trained_by_d = {name for name in saved if name.startswith("d_optimizer/_trainable_variables/")}
    assert (
        len(trained_by_d)
        == len(gan.discriminator_weights)
        > len(gan.discriminator.trainable_weights)
    )
    assert train(face_photos, model, config).resumed_from == 4


def test_d_learns_to_redraw_real_images(face_photos):
    """Only the reconstruction error trains D here: it must fall, so the decoder really
    learns from D's features (32x32 photos: 4x4 features redrawn at 16x16)."""
    config = TrainConfig(batch_size=8, reconstruction=1.0, lr_d=2e-3, verbose=0)
    gan = build_gan((32, 32, 3), TINY_MODEL, config)
    real = tf.constant(face_photos[:8])

    def redraw_error() -> float:
        return float(tf.reduce_mean(gan._real_logits(real)[1]))

    before = redraw_error()
    weights = gan.discriminator_weights
    for _ in range(60):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(gan._real_logits(real)[1])
        gradients = tape.gradient(loss, weights)
        # D's logit layer plays no part in redrawing, so it has no gradient: it is left out.
        used = [(g, w) for g, w in zip(gradients, weights, strict=True) if g is not None]
        gan.d_optimizer.apply(*zip(*used, strict=True))
    assert redraw_error() < 0.6 * before


def test_reconstruction_weight_needs_a_head(tiny):
    gan = build_gan((28, 28, 1), TINY_MODEL, tiny)
    with pytest.raises(ValueError, match="reconstruction_weight needs"):
        gan.compile(gan.g_optimizer, gan.d_optimizer, reconstruction_weight=1.0)


def test_mirror_adds_each_photo_flipped_once_per_pass(face_photos):
    photos = face_photos[:4]
    (batch,) = make_dataset(photos, 8, seed=0, mirror=True).take(1).as_numpy_iterator()
    expected = np.concatenate([photos, photos[:, :, ::-1]])
    matches = [[np.array_equal(seen, image) for image in expected] for seen in batch]
    assert np.array_equal(np.sum(matches, axis=0), np.ones(8))  # every one, none twice
    (plain,) = make_dataset(photos, 4, seed=0).take(1).as_numpy_iterator()
    assert not any(np.array_equal(seen, image) for seen in plain for image in expected[4:])


def test_lecam_reaches_d_and_its_averages_are_checkpointed(mnist_sample, tiny, tmp_path):
    plain = train(mnist_sample, TINY_MODEL, tiny)
    lecam = replace(tiny, lecam=10.0)
    result = train(mnist_sample, TINY_MODEL, lecam)
    # Same seed and first batch: only the LeCam term tells the first step's D losses apart.
    assert result.history["d_loss"].iloc[0] != plain.history["d_loss"].iloc[0]
    assert np.isfinite(result.history[["d_loss", "g_loss"]].to_numpy()).all()
    folders = [path for path in tmp_path.iterdir() if path.is_dir()]
    latest = [tf.train.latest_checkpoint(str(folder)) for folder in folders]
    saved = [
        tf.train.load_checkpoint(prefix).get_tensor(name)
        for prefix in latest
        for name, _ in tf.train.list_variables(prefix)
        if name.startswith("logit_averages/")
    ]
    assert len(saved) == 1 and saved[0].shape == (2,) and (saved[0] != 0).all()
    # A resume restores them (a checkpoint that leaves an object unmatched counts as damaged
    # and would be moved aside: gan/checkpoints.py).
    assert train(mnist_sample, TINY_MODEL, lecam).resumed_from == 2
