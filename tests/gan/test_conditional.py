"""The class-conditional option: labels into G and a projection D, exported as z -> image."""

from dataclasses import replace

import keras
import numpy as np
import pytest
from crashes import CrashAt
from scipy import stats

from gan_pipeline.gan.architecture import build_discriminator, build_generator
from gan_pipeline.gan.conditional import CLASS_LAYER, in_classes, noise_only
from gan_pipeline.gan.training import ModelConfig, TrainConfig, run_directory, train
from gan_pipeline.pipelines.generate.nodes import generate_samples

CONDITIONAL = ModelConfig(latent_dim=8, width=4, conditional=True)


@pytest.fixture
def tiny(tiny) -> TrainConfig:
    """conftest's settings with an EMA generator, as the default recipe has."""
    return replace(tiny, ema_decay=0.9)


def class_of(generator: keras.Model, latents: np.ndarray) -> np.ndarray:
    """The class the noise-only generator reads off each latent."""
    reader = keras.Model(generator.input, generator.get_layer(CLASS_LAYER).output)
    return np.asarray(reader.predict(latents, verbose=0)).astype(int).ravel()


def test_export_takes_z_alone_and_reloads_without_this_package(
    mnist_sample, mnist_sample_labels, tiny, tmp_path
):
    result = train(mnist_sample, CONDITIONAL, tiny, labels=mnist_sample_labels)
    assert np.isfinite(result.history[["d_loss", "g_loss"]].to_numpy()).all()
    exported = result.generator
    assert exported.input_shape == (None, 8) and exported.output_shape == (None, 28, 28, 1)
    assert [tuple(s) for s in result.discriminator.input_shape] == [(None, 28, 28, 1), (None, 1)]
    exported.save(tmp_path / "Generator.h5")
    # Built-in layers only: a plain Keras load, no custom objects.
    loaded = keras.models.load_model(tmp_path / "Generator.h5", compile=False)
    z = np.random.default_rng(0).standard_normal((6, 8)).astype("float32")
    np.testing.assert_allclose(loaded.predict(z, verbose=0), exported.predict(z, verbose=0))
    images = loaded.predict(z, verbose=0)
    assert images.min() >= -1 and images.max() <= 1


def test_classes_read_off_z_are_uniform():
    generator = noise_only(build_generator((28, 28, 1), 8, 4, classes=10), 10)
    z = np.random.default_rng(0).standard_normal((20000, 8)).astype("float32")
    counts = np.bincount(class_of(generator, z), minlength=10)
    assert stats.chisquare(counts).pvalue > 0.001, counts


def test_the_label_changes_what_g_draws_and_what_d_says():
    generator = build_generator((28, 28, 1), 8, 4, classes=10)
    discriminator = build_discriminator((28, 28, 1), 4, classes=10)
    z = np.random.default_rng(0).standard_normal((2, 8)).astype("float32")
    three, seven = np.full((2, 1), 3, "int32"), np.full((2, 1), 7, "int32")
    drawn = [generator.predict([z, c], verbose=0) for c in (three, seven)]
    assert not np.allclose(*drawn)
    images = np.asarray(drawn[0])
    said = [discriminator.predict([images, c], verbose=0) for c in (three, seven)]
    assert not np.allclose(*said)


def test_in_classes_picks_the_class_and_keeps_z0_normal_within_it():
    generator = noise_only(build_generator((28, 28, 1), 8, 4, classes=10), 10)
    rng = np.random.default_rng(1)
    wanted = np.resize(np.array([3, 0, 9]), 3000)
    latents = rng.standard_normal((3000, 8)).astype("float32")
    chosen = in_classes(latents, wanted, generator.get_layer(CLASS_LAYER).bin_boundaries, rng)
    np.testing.assert_array_equal(class_of(generator, chosen.astype("float32")), wanted)
    np.testing.assert_array_equal(chosen[:, 1:], latents[:, 1:])  # only the class entry moves
    # Within its class, z0 follows N(0, 1) cut to that class's interval.
    bounds = generator.get_layer(CLASS_LAYER).bin_boundaries
    low, high = bounds[2], bounds[3]
    threes = chosen[wanted == 3, 0]
    assert stats.kstest(threes, stats.truncnorm(low, high).cdf).pvalue > 0.001


def test_generate_draws_the_digits_asked_for(mnist_sample, mnist_sample_labels, tiny):
    exported = train(mnist_sample, CONDITIONAL, tiny, labels=mnist_sample_labels).generator
    options = {"n": 12, "seed": 0, "classes": [2, 5]}
    latents = generate_samples(exported, options)["latents"]
    np.testing.assert_array_equal(class_of(exported, latents), [2, 5] * 6)
    single = generate_samples(exported, {"n": 3, "seed": 0, "classes": 7})["latents"]
    np.testing.assert_array_equal(class_of(exported, single), [7, 7, 7])
    with pytest.raises(ValueError, match="this generator has 10"):
        generate_samples(exported, {"n": 2, "classes": [10]})


def test_generate_refuses_classes_for_an_unconditional_generator():
    generator = build_generator((28, 28, 1), 8, 4)
    with pytest.raises(ValueError, match="not trained with model.conditional: true"):
        generate_samples(generator, {"n": 2, "classes": [1]})


def test_without_labels_it_stops_before_writing_anything(mnist_sample, tiny, tmp_path):
    with pytest.raises(ValueError, match="model.conditional needs class labels"):
        train(mnist_sample, CONDITIONAL, tiny)
    with pytest.raises(ValueError, match="one per image"):
        train(mnist_sample, CONDITIONAL, tiny, labels=np.zeros(3, int))
    assert not any(tmp_path.iterdir())


def test_crash_then_rerun_resumes_the_conditional_run(mnist_sample, mnist_sample_labels, tiny):
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(mnist_sample, CONDITIONAL, tiny, callbacks=[CrashAt(3)], labels=mnist_sample_labels)
    resumed = train(mnist_sample, CONDITIONAL, tiny, labels=mnist_sample_labels)
    assert resumed.resumed_from == 2 and list(resumed.history["step"]) == [1, 2, 3, 4]
    # Other labels are other training data: a fresh run, not a resume.
    shuffled = np.random.default_rng(0).permutation(mnist_sample_labels)
    assert run_directory(CONDITIONAL, tiny, mnist_sample, shuffled) != run_directory(
        CONDITIONAL, tiny, mnist_sample, mnist_sample_labels
    )
