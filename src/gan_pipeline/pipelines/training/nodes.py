"""Training node: images + parameters -> trained models, loss history, in-training quality,
speed and sample grids."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from PIL import Image

from gan_pipeline.gan.config import QUALITY_METRICS
from gan_pipeline.gan.images import to_pil
from gan_pipeline.gan.quality import QualityConfig, QualityMonitor
from gan_pipeline.gan.training import ModelConfig, TrainConfig, run_directory, train

SPEED = "img_per_s"


def train_gan(
    images: np.ndarray,
    feature_extractor: keras.Model,
    model: dict[str, Any],
    train_params: dict[str, Any],
    quality: dict[str, Any],
    labels: np.ndarray | None = None,
) -> tuple[
    keras.Model,
    keras.Model,
    keras.Model,
    pd.DataFrame,
    pd.DataFrame,
    pd.DataFrame,
    dict[str, Image.Image],
]:
    """Train, or resume from the last checkpoint of the same configuration.

    Returns the generator, the best generator by in-training FD or KID (``quality.best_by``,
    measured on ``feature_extractor``'s features), the discriminator, the training record
    split three ways (``split_record``), and the fixed-noise sample grid of every checkpoint
    (keyed ``step_000250`` etc.). ``labels`` (datasets that have them) train a
    class-conditional GAN when ``model.conditional`` is on.
    """
    model_config, train_config = ModelConfig(**model), TrainConfig(**train_params)
    state_dir = run_directory(model_config, train_config, images, labels)
    monitor = QualityMonitor(feature_extractor, images, state_dir, QualityConfig(**quality))
    result = train(images, model_config, train_config, callbacks=[monitor], labels=labels)
    grids = {f"step_{step:06d}": to_pil(grid) for step, grid in result.grids.items()}
    best = monitor.best_generator(result.generator)
    return (
        result.generator,
        best,
        result.discriminator,
        *split_record(result.history),
        grids,
    )


def split_record(record: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The per-step record as (history, quality, speed).

    history: every step's losses and D outputs. quality: the quality columns, with rows only
    at the steps they were measured (a chart then draws no gaps as zeros). speed: images/s
    of every step, wall-clock time that differs run to run, kept apart so the other two are
    the same bytes for the same code, data and parameters.
    """
    measured = [column for column in QUALITY_METRICS if column in record]
    history = record.drop(columns=[*measured, SPEED], errors="ignore")
    quality = record.reindex(columns=["step", *measured])
    if measured:
        quality = quality.dropna(how="all", subset=measured)
    return history, quality, record.reindex(columns=["step", SPEED])


def plot_losses(history: pd.DataFrame, window: int = 25) -> Figure:
    """Loss curves and D outputs against step, smoothed with a rolling mean."""
    # A bare Figure, not pyplot: no global figure registry to leak across runs.
    figure = Figure(figsize=(11, 4), layout="tight")
    losses, outputs = figure.subplots(1, 2)
    smooth = history.set_index("step").rolling(window, min_periods=1).mean()
    for key in ("d_loss", "g_loss"):
        losses.plot(smooth.index, smooth[key], label=key)
    for key in ("d_real", "d_fake"):
        outputs.plot(smooth.index, smooth[key], label=key)
    losses.set(xlabel="step", ylabel="loss", title=f"losses (rolling mean of {window})")
    outputs.set(xlabel="step", ylabel="mean D(x)", title="discriminator outputs", ylim=(0, 1))
    for axes in (losses, outputs):
        axes.legend()
        axes.grid(alpha=0.3)
    return figure
