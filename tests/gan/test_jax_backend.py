"""The GAN core under Keras' JAX backend: every JAX run is a subprocess (``jax_run.py``) with
``KERAS_BACKEND=jax``, since Keras fixes its backend at import and this suite runs on
TensorFlow. JAX compiles these convnets slowly on a CPU: the runs are a few steps each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import step_twins
from real_data import example_photos

from gan_pipeline.gan import draws

pytest.importorskip("jax", reason="jax is not installed (the dev extras bring jax[cpu])")

TESTS = Path(__file__).parents[1]
TINY_MODEL = {"latent_dim": 8, "width": 4}


def under_jax(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` with Keras on JAX and the tests folder importable."""
    path = os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def train_under_jax(folder: Path, expect_kill: bool = False, **spec) -> dict:
    """``jax_run.py`` on ``spec`` in ``folder``; its ``result.json`` (None when killed)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.json").write_text(json.dumps(spec))
    done = under_jax([str(TESTS / "jax_run.py"), str(folder / "spec.json")], folder)
    if expect_kill:
        assert done.returncode == -9, done.stderr[-4000:]
        return {"stderr": done.stderr}
    assert done.returncode == 0, done.stderr[-4000:]
    return {**json.loads((folder / "result.json").read_text()), "stderr": done.stderr}


def tiny_train(folder: Path, **settings) -> dict:
    """Four steps in two checkpoint rounds, as the TensorFlow tests' ``tiny`` fixture."""
    return {
        "steps": 4,
        "batch_size": 16,
        "checkpoint_every": 2,
        "checkpoint_dir": str(folder),
        "sample_count": 4,
        "verbose": 0,
        "precision": "float32",
        **settings,
    }


def test_the_core_imports_no_tensorflow_and_refuses_tf_distribute(tmp_path):
    code = (
        "import sys\n"
        "from gan_pipeline.gan.training import TrainConfig\n"
        "assert 'tensorflow' not in sys.modules, 'gan.training imported TensorFlow'\n"
        "try:\n"
        "    TrainConfig(distribution='mirrored')\n"
        "except ValueError as error:\n"
        "    print(error)\n"
    )
    done = under_jax(["-c", code], tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "distribution='mirrored'" in done.stdout
    assert "KERAS_BACKEND=jax" in done.stdout and "KERAS_BACKEND=tensorflow" in done.stdout


def test_conditional_mnist_trains_repeats_for_a_seed_in_its_own_folder(
    mnist_sample, mnist_sample_labels, tmp_path
):
    np.savez(tmp_path / "digits.npz", images=mnist_sample[:64], labels=mnist_sample_labels[:64])
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    spec = {
        "data": str(tmp_path / "digits.npz"),
        "model": {**TINY_MODEL, "conditional": True},
        "latents": str(tmp_path / "z.npy"),
    }
    runs = [
        train_under_jax(
            tmp_path / name, **spec, train=tiny_train(tmp_path / name / "state", ema_decay=0.99)
        )
        for name in ("first", "second")
    ]
    first = runs[0]
    assert first["steps"] == [1, 2, 3, 4] and first["grids"] == [2, 4]
    assert {"d_loss", "g_loss", "d_real", "d_fake", "img_per_s"} <= set(first["columns"])
    assert np.isfinite(first["losses"]).all()
    assert not first["tensorflow_imported"]
    (state,) = (tmp_path / "first" / "state").iterdir()
    assert sorted(p.name for p in state.glob("ckpt-*")) == [
        "ckpt-2.weights.h5",
        "ckpt-4.weights.h5",
    ]
    np.testing.assert_array_equal(
        np.load(tmp_path / "first" / "samples.npy"), np.load(tmp_path / "second" / "samples.npy")
    )
    assert runs[1]["losses"] == first["losses"]


def test_faces_with_few_shot_options_export_a_generator_tensorflow_samples_alike(tmp_path):
    np.savez(tmp_path / "faces.npz", images=example_photos(64, count=2))
    z = np.random.default_rng(2).standard_normal((3, 16)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    options = {
        "loss": "hinge",
        "augment": "color,translation,cutout",
        "mirror": True,
        "ema_decay": 0.99,
        "r1_gamma": 1.0,
        "reconstruction": 1.0,
        "mode_seeking": 0.1,
        "lecam": 0.1,
    }
    result = train_under_jax(
        tmp_path,
        data=str(tmp_path / "faces.npz"),
        model={"latent_dim": 16, "width": 4, "spectral_norm": True, "minibatch_std": True},
        train=tiny_train(tmp_path / "state", steps=2, batch_size=2, checkpoint_every=1, **options),
        export=str(tmp_path / "Generator.h5"),
        latents=str(tmp_path / "z.npy"),
    )
    assert result["steps"] == [1, 2] and "reconstruction_l1" in result["columns"]
    assert np.isfinite(result["losses"]).all()
    # This process runs Keras on TensorFlow: the JAX-trained export loads and draws the same.
    generator = keras.models.load_model(tmp_path / "Generator.h5", compile=False)
    assert generator.output_shape == (None, 64, 64, 3)
    np.testing.assert_allclose(generator(z), np.load(tmp_path / "samples.npy"), atol=1e-5)


def test_a_jax_step_computes_what_the_tensorflow_step_does(monkeypatch, tmp_path):
    # Same initial weights, same batch, the draws fixed (the backends' generators differ).
    for name, replacement in step_twins.fixed_draws().items():
        monkeypatch.setattr(draws, name, replacement)
    ours = step_twins.two_steps(tmp_path / "initial.npz", write_initial=True)
    done = under_jax(
        [str(TESTS / "step_twins.py"), str(tmp_path / "initial.npz"), str(tmp_path / "jax.npz")],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    with np.load(tmp_path / "jax.npz") as theirs:
        np.testing.assert_allclose(theirs["logs"], ours["logs"], rtol=1e-5)
        np.testing.assert_allclose(theirs["lecam"], ours["lecam"][0], atol=1e-6)
        for index, weight in enumerate(ours["weights"]):
            np.testing.assert_allclose(theirs[f"arr_{index}"], weight, atol=1e-6)


@pytest.mark.slow
def test_a_killed_run_resumes_and_a_damaged_checkpoint_is_set_aside(mnist_sample, tmp_path):
    np.savez(tmp_path / "digits.npz", images=mnist_sample[:64])
    spec = {"data": str(tmp_path / "digits.npz"), "model": TINY_MODEL}
    settings = {"steps": 6, "loss": "wgan-gp", "augment": "translation"}
    train_under_jax(
        tmp_path / "killed",
        expect_kill=True,
        kill_at=5,
        **spec,
        train=tiny_train(tmp_path / "state", **settings),
    )
    (state,) = (tmp_path / "state").iterdir()
    assert sorted(p.name for p in state.glob("ckpt-*")) == [
        "ckpt-2.weights.h5",
        "ckpt-4.weights.h5",
    ]

    resumed = train_under_jax(
        tmp_path / "resumed", **spec, train=tiny_train(tmp_path / "state", **settings)
    )
    assert resumed["resumed_from"] == 4
    assert resumed["steps"] == [1, 2, 3, 4, 5, 6] and resumed["grids"] == [2, 4, 6]
    assert np.isfinite(resumed["losses"]).all()

    damaged = state / "ckpt-6.weights.h5"
    kept = damaged.read_bytes()
    damaged.write_bytes(kept[: len(kept) // 2])
    (state / "ckpt-8_temp.weights.h5").write_bytes(b"x")  # a write a kill interrupted

    again = train_under_jax(
        tmp_path / "again", **spec, train=tiny_train(tmp_path / "state", **settings)
    )

    assert again["resumed_from"] == 4 and again["steps"] == [1, 2, 3, 4, 5, 6]
    assert f"Checkpoint file {damaged} is damaged" in again["stderr"]
    assert (state / "ckpt-6.damaged" / damaged.name).stat().st_size == len(kept) // 2
    assert not (state / "ckpt-8_temp.weights.h5").exists()
    assert sorted(p.name for p in state.glob("ckpt-*.weights.h5")) == [
        "ckpt-4.weights.h5",
        "ckpt-6.weights.h5",
    ]
