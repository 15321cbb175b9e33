"""Expected noise is dropped from the project's logs; real warnings still show."""

from __future__ import annotations

import logging
import subprocess

import keras
import pytest
from commands import kedro_mnist_training

from gan_pipeline import settings
from gan_pipeline.logging_filters import KERAS_HDF5_SAVES

KERAS_HDF5_NOISE = ("`save_format` argument is deprecated", "HDF5 file via `model.save()`")


def test_keras_hdf5_saves_are_quiet_other_keras_warnings_are_not(tmp_path, caplog):
    assert settings.HOOKS  # importing settings (as every Kedro command does) attaches the filter
    assert KERAS_HDF5_SAVES in logging.getLogger("absl").filters
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with caplog.at_level(logging.WARNING):
        keras.saving.save_model(model, tmp_path / "model.h5", save_format="h5")  # as catalog.yml
        assert not caplog.records
        keras.saving.save_model(model, tmp_path / "model.keras", save_format="keras")
    (warning,) = caplog.records
    assert "Received: save_format=keras" in warning.getMessage()


@pytest.mark.slow
def test_a_tiny_training_run_prints_real_warnings_but_no_keras_hdf5_noise(project_copy):
    run = subprocess.run(
        kedro_mnist_training("mnist.train.steps=2"),
        cwd=project_copy,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-5000:]
    # The saves happened (wherever the test env puts its data).
    assert list(project_copy.glob("data/**/06_models/mnist/Generator.h5"))
    assert not [noise for noise in KERAS_HDF5_NOISE if noise in output], output[-5000:]
    assert "WARNING" in output and "MNIST IDX files missing" in output  # offline fallback
