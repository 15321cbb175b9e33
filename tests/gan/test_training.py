from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from crashes import AtStep, CrashAt
from real_data import example_photos

from gan_pipeline.gan.callbacks import NonFiniteLossError
from gan_pipeline.gan.training import (
    ModelConfig,
    TrainConfig,
    build_gan,
    run_directory,
    train,
)

TINY_MODEL = ModelConfig(latent_dim=8, width=4)


def test_trains_and_records_every_step(mnist_sample, tiny):
    result = train(mnist_sample, TINY_MODEL, tiny)
    history = result.history
    assert list(history["step"]) == [1, 2, 3, 4]
    assert {"d_loss", "g_loss", "d_real", "d_fake", "img_per_s"} <= set(history.columns)
    assert np.isfinite(history[["d_loss", "g_loss"]].to_numpy()).all()
    assert sorted(result.grids) == [2, 4]
    assert result.grids[4].dtype == np.uint8 and result.grids[4].shape[2] == 1
    assert result.generator.output_shape == (None, 28, 28, 1)
    assert result.resumed_from == 0


def test_same_seed_same_model(mnist_sample, tiny, tmp_path):
    first = train(mnist_sample, TINY_MODEL, tiny)
    second = train(mnist_sample, TINY_MODEL, replace(tiny, checkpoint_dir=str(tmp_path / "again")))
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    np.testing.assert_allclose(first.generator(z), second.generator(z), atol=1e-5)


@pytest.mark.parametrize(("setting", "compiled"), [("auto", False), (True, True)])
def test_jit_compile_reaches_keras(tiny, setting, compiled):
    # Keras' "auto" leaves XLA off on a CPU-only machine such as this one.
    gan = build_gan((28, 28, 1), TINY_MODEL, replace(tiny, jit_compile=setting))
    assert gan.jit_compile is compiled


def test_an_xla_run_repeats_for_a_seed_and_resumes_in_its_own_folder(mnist_sample, tiny, tmp_path):
    # XLA ignores TensorFlow's op seeds; the step's stateless draws (GAN.step_seed) do not.
    xla = replace(tiny, jit_compile=True)
    first = train(mnist_sample, TINY_MODEL, xla)
    second = train(mnist_sample, TINY_MODEL, replace(xla, checkpoint_dir=str(tmp_path / "2")))
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    np.testing.assert_allclose(first.generator(z), second.generator(z), atol=1e-5)
    crashed = replace(xla, checkpoint_dir=str(tmp_path / "crashed"))
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(mnist_sample, TINY_MODEL, crashed, callbacks=[CrashAt(3)])
    resumed = train(mnist_sample, TINY_MODEL, crashed)
    assert resumed.resumed_from == 2 and list(resumed.history["step"]) == [1, 2, 3, 4]
    # XLA rounds differently, so its checkpoints never resume a run without it.
    assert run_directory(TINY_MODEL, xla, mnist_sample) != run_directory(
        TINY_MODEL, tiny, mnist_sample
    )


class PoisonWeightsAt(AtStep):
    """Makes a discriminator weight NaN after ``step`` steps, as a diverged run would."""

    def act(self) -> None:
        kernel = self.model.discriminator.layers[-1].kernel
        kernel.assign(np.full(kernel.shape, np.nan, "float32"))


def test_crash_then_rerun_resumes_with_history_and_optimizer_state(mnist_sample, tiny):
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(mnist_sample, TINY_MODEL, tiny, callbacks=[CrashAt(3)])
    result = train(mnist_sample, TINY_MODEL, tiny)
    assert result.resumed_from == 2
    assert list(result.history["step"]) == [1, 2, 3, 4]
    assert sorted(result.grids) == [2, 4]
    latest = tf.train.latest_checkpoint(str(run_directory(TINY_MODEL, tiny, mnist_sample)))
    assert latest.endswith("ckpt-4")
    names = [name for name, _ in tf.train.list_variables(latest)]
    assert any("g_optimizer" in name for name in names)
    assert any("d_optimizer" in name for name in names)
    # A finished run reruns as a no-op with the same record.
    again = train(mnist_sample, TINY_MODEL, tiny)
    assert again.resumed_from == 4 and list(again.history["step"]) == [1, 2, 3, 4]


def test_a_state_dir_the_caller_computed_holds_the_whole_run(mnist_sample, tiny, tmp_path):
    given = tmp_path / "given"
    train(mnist_sample, TINY_MODEL, tiny, state_dir=given)
    assert tf.train.latest_checkpoint(str(given)).endswith("ckpt-4")
    assert (given / "history.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["given"]  # no second, computed folder


def crashed_after_two_checkpoints(images, config: TrainConfig) -> Path:
    """A 6-step run that crashed at step 5: ckpt-2 and ckpt-4 on disk."""
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(images, TINY_MODEL, config, callbacks=[CrashAt(5)])
    state = run_directory(TINY_MODEL, config, images)
    assert sorted(p.name for p in state.glob("ckpt-*.index")) == ["ckpt-2.index", "ckpt-4.index"]
    return state


def damage_data(prefix: Path) -> Path:
    (data,) = prefix.parent.glob(f"{prefix.name}.data-*")
    data.write_bytes(data.read_bytes()[: data.stat().st_size // 2])
    return data


def damage_index(prefix: Path) -> Path:
    index = prefix.with_name(f"{prefix.name}.index")
    index.write_bytes(b"garbage" * 100)
    return index


@pytest.mark.parametrize("damage", [damage_data, damage_index])
def test_a_damaged_checkpoint_is_moved_aside_and_the_one_before_resumed(
    mnist_sample, tiny, damage, caplog
):
    config = replace(tiny, steps=6)
    state = crashed_after_two_checkpoints(mnist_sample, config)
    damaged = damage(state / "ckpt-4")
    kept = damaged.read_bytes()
    (state / "ckpt-6_temp").mkdir()  # a write a kill interrupted
    (state / "ckpt-6_temp" / "part-00000-of-00001.data-00000-of-00001").write_bytes(b"x")

    result = train(mnist_sample, TINY_MODEL, config)

    assert result.resumed_from == 2
    assert list(result.history["step"]) == [1, 2, 3, 4, 5, 6]
    assert sorted(result.grids) == [2, 4, 6]
    assert f"Checkpoint file {damaged} is damaged" in caplog.text
    aside = state / "ckpt-4.damaged"
    assert (aside / damaged.name).read_bytes() == kept  # as found, for a post-mortem
    assert {p.name for p in aside.iterdir()} == {"ckpt-4.index", "ckpt-4.data-00000-of-00001"}
    assert not (state / "ckpt-6_temp").exists()
    assert tf.train.latest_checkpoint(str(state)).endswith("ckpt-6")


def test_anything_that_changes_the_result_gets_a_fresh_run(mnist_sample, tiny):
    folder = run_directory(TINY_MODEL, tiny, mnist_sample)
    assert folder == run_directory(TINY_MODEL, replace(tiny, verbose=1), mnist_sample)
    assert folder != run_directory(TINY_MODEL, replace(tiny, lr_g=1e-3), mnist_sample)
    assert folder != run_directory(TINY_MODEL, replace(tiny, steps=100), mnist_sample)
    assert folder != run_directory(replace(TINY_MODEL, width_d=8), tiny, mnist_sample)
    assert folder != run_directory(TINY_MODEL, replace(tiny, lr_decay_steps=2), mnist_sample)
    assert folder != run_directory(TINY_MODEL, tiny, mnist_sample[::-1])


def test_nan_loss_stops_and_keeps_last_good_checkpoint(mnist_sample, tiny):
    state = run_directory(TINY_MODEL, tiny, mnist_sample)
    with pytest.raises(NonFiniteLossError, match="at step 4.*Last good checkpoint kept: .*ckpt-2"):
        train(mnist_sample, TINY_MODEL, tiny, callbacks=[PoisonWeightsAt(3)])
    assert tf.train.latest_checkpoint(str(state)).endswith("ckpt-2")
    kept = tf.train.latest_checkpoint(str(state))
    weights = [
        n
        for n, _ in tf.train.list_variables(kept)
        if n.startswith("d_optimizer/_trainable_variables/")
    ]
    assert weights and all(np.isfinite(tf.train.load_variable(kept, n)).all() for n in weights)


def test_rejects_non_finite_or_badly_shaped_input(mnist_sample, tiny):
    broken = mnist_sample.copy()
    broken[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="finite images"):
        train(broken, TINY_MODEL, tiny)
    with pytest.raises(ValueError, match="fewer than one batch"):
        train(mnist_sample[:8], TINY_MODEL, tiny)
    grouped = replace(TINY_MODEL, minibatch_std=True, minibatch_std_group=3)
    with pytest.raises(ValueError, match=r"batch_size=\d+ does not split into .*group=3"):
        train(mnist_sample, grouped, tiny)


def test_steps_must_fill_whole_checkpoint_rounds(tmp_path):
    with pytest.raises(ValueError, match="multiple of"):
        TrainConfig(steps=10, checkpoint_every=4)
    with pytest.raises(ValueError, match="precision"):
        TrainConfig(precision="float8")


def test_a_decay_longer_than_the_run_falls_over_the_whole_run(tiny):
    shortened = replace(tiny, lr_decay_steps=20)  # e.g. --params train.steps=4 under a decay of 20
    assert shortened.decay_steps == tiny.steps == 4
    gan = build_gan((28, 28, 1), TINY_MODEL, shortened)
    rates = []
    for step in range(5):
        gan.g_optimizer.iterations.assign(step)
        rates.append(float(gan.g_optimizer.learning_rate))
    np.testing.assert_allclose(rates, [2e-4, 1.5e-4, 1e-4, 0.5e-4, 0.0], rtol=1e-6)


def test_width_d_widens_only_the_discriminator(tiny):
    plain = build_gan((28, 28, 1), TINY_MODEL, tiny)
    wide = build_gan((28, 28, 1), replace(TINY_MODEL, width_d=16), tiny)
    assert wide.generator.count_params() == plain.generator.count_params()
    first_conv = [layer.filters for layer in wide.discriminator.layers if hasattr(layer, "filters")]
    assert first_conv == [16, 32]


def test_learning_rates_fall_linearly_to_zero_over_the_last_steps(tiny):
    gan = build_gan((28, 28, 1), TINY_MODEL, replace(tiny, lr_decay_steps=2, lr_d=4e-4))
    rates = []
    for step in range(5):
        gan.g_optimizer.iterations.assign(step)
        gan.d_optimizer.iterations.assign(step)
        rates.append((float(gan.g_optimizer.learning_rate), float(gan.d_optimizer.learning_rate)))
    np.testing.assert_allclose(
        rates, [(2e-4, 4e-4), (2e-4, 4e-4), (2e-4, 4e-4), (1e-4, 2e-4), (0.0, 0.0)], rtol=1e-6
    )


@pytest.mark.parametrize("size", [64, 128, 256, 300, 512])
def test_every_face_size_trains_with_the_few_shot_options(size, tiny):
    """Two steps on two real photos at each size a faces run may ask for (300: drawn at 320
    and cropped), with FastGAN's resize upsampling, skip-layer excitation and reconstruction
    head, minibatch std and DiffAugment: every level of the size plan carries them."""
    model = ModelConfig(
        latent_dim=8, width=4, upsample="resize", skip_excitation=True, minibatch_std=True
    )
    config = replace(
        tiny, steps=2, batch_size=2, sample_count=2, reconstruction=1.0, augment="translation"
    )
    result = train(example_photos(size, count=2), model, config)
    assert result.generator.output_shape == (None, size, size, 3)
    assert np.isfinite(result.history[["d_loss", "g_loss", "reconstruction_l1"]].to_numpy()).all()
    assert result.grids[2].shape == (size + 4, 2 * size + 6, 3)  # two samples, 2 px apart
