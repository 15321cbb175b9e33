"""Evaluation nodes: a feature network per dataset, then measured quality of a trained generator."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import keras
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from PIL import Image

from gan_pipeline.gan.config import (
    FEATURE_METRICS,
    LOWER_IS_BETTER,
    ClassifierConfig,
    EvaluationConfig,
    FiguresConfig,
    PixelsConfig,
)
from gan_pipeline.gan.images import make_grid, to_pil
from gan_pipeline.gan.latents import slerp
from gan_pipeline.metrics.classifier import train_classifier as fit_classifier
from gan_pipeline.metrics.classifier_score import classifier_score
from gan_pipeline.metrics.coverage import mode_coverage
from gan_pipeline.metrics.distances import feature_distances
from gan_pipeline.metrics.diversity import mean_pairwise_ssim
from gan_pipeline.metrics.features import extract, pixel_extractor
from gan_pipeline.metrics.frechet import frechet_distance
from gan_pipeline.metrics.memorisation import memorisation
from gan_pipeline.metrics.sharpness import sharpness

QUALITY_CURVES = {
    "fd": "Frechet distance (lower is better)",
    "kid": "KID (lower is better)",
    "coverage": "classes covered (higher is better)",
    "sharpness": "sharpness ratio (1 = as sharp as real)",
}


def train_classifier(
    images: np.ndarray, labels: np.ndarray, params: dict[str, Any]
) -> tuple[keras.Model, dict[str, float]]:
    """The feature network of a labelled dataset: a small classifier trained on the run's data.

    Offline no pretrained network can be downloaded, and a digit classifier's features are the
    ones that matter for digits. A weak classifier makes every metric it feeds meaningless, so
    the node fails below ``min_accuracy`` on the held-out split.
    """
    settings = asdict(ClassifierConfig(**params))
    min_accuracy = settings.pop("min_accuracy")
    max_images = settings.pop("max_images")
    if max_images is not None and max_images < len(images):
        # A seeded random subset: stored datasets may be sorted by class.
        chosen = np.random.default_rng(settings["seed"]).permutation(len(images))
        images, labels = images[chosen[:max_images]], labels[chosen[:max_images]]
    extractor, report = fit_classifier(images, labels, **settings)
    if report["heldout_accuracy"] < min_accuracy:
        raise ValueError(
            f"feature classifier reached {report['heldout_accuracy']:.4f} held-out accuracy, "
            f"below evaluation.classifier.min_accuracy={min_accuracy}; train it longer "
            "(evaluation.classifier.epochs) before trusting FD/KID/coverage"
        )
    return extractor, report


def pixel_features(images: np.ndarray, params: dict[str, Any]) -> keras.Model:
    """The feature network of an unlabelled, tiny dataset: area-downsampled pixels.

    With two dozen photos and no labels there is nothing to train a feature network on, and
    ImageNet networks need a download; see ``metrics.features.pixel_extractor``.
    """
    return pixel_extractor(tuple(images.shape[1:]), PixelsConfig(**params).size)


def evaluate_generator(
    generator: keras.Model,
    images: np.ndarray,
    feature_extractor: keras.Model,
    params: dict[str, Any],
) -> dict[str, float]:
    """Score ``samples`` images from a fixed, seeded latent bank (see ``score_samples``)."""
    config = EvaluationConfig(**params)
    latent_dim = generator.input_shape[-1]
    latents = np.random.default_rng(config.seed).standard_normal(
        (config.samples, latent_dim), dtype=np.float32
    )
    generated = generator.predict(latents, batch_size=config.batch_size, verbose=0)
    if generated.shape[1:] != images.shape[1:]:
        raise ValueError(
            f"generator makes images of shape {generated.shape[1:]}, the real images are "
            f"{images.shape[1:]}: evaluate a generator trained on this dataset"
        )
    return score_samples(generated, images, feature_extractor, config)


def score_samples(
    generated: np.ndarray,
    images: np.ndarray,
    feature_extractor: keras.Model,
    config: EvaluationConfig,
) -> dict[str, float]:
    """The metrics in ``config.metrics`` for ``generated`` against the real ``images``.

    Every distance comes with its real-data floor: the same number between two disjoint
    halves of the real images at ``floor_samples`` each (``min(samples, real // 2)``), so a
    reader knows what a perfect generator would score. Flat keys, numbers only.
    """
    rng = np.random.default_rng(config.seed)
    compared = min(len(generated), len(images))
    half = min(len(generated), len(images) // 2)
    real = images[rng.permutation(len(images))[: max(compared, 2 * half)]]
    scores: dict[str, float] = {
        "samples": len(generated),
        "real_images": compared,
        "floor_samples": half,
    }
    wanted = set(config.metrics)
    if wanted & set(FEATURE_METRICS):
        scores |= _feature_scores(config, generated, real, feature_extractor, compared, half)
    if "memorisation" in wanted:
        scores |= memorisation(
            generated[: config.memorisation_samples], images, config.memorisation_threshold
        )
    if "diversity" in wanted:
        scores["diversity_ssim"] = mean_pairwise_ssim(generated[: config.diversity_samples])
        scores["diversity_ssim_real"] = mean_pairwise_ssim(real[: config.diversity_samples])
    if "sharpness" in wanted:
        scores |= sharpness(generated, real)
    return scores


def _feature_scores(
    config: EvaluationConfig,
    generated: np.ndarray,
    real: np.ndarray,
    extractor: keras.Model,
    compared: int,
    half: int,
) -> dict[str, float]:
    """FD, KID, classifier score and coverage on the extractor's outputs, with real references."""
    fake_features, fake_probabilities = extract(extractor, generated, config.batch_size)
    real_features, real_probabilities = extract(extractor, real, config.batch_size)
    reference = real_features[:compared]
    first_half, second_half = real_features[:half], real_features[half : 2 * half]
    kid = {"kid_subset_size": config.kid_subset_size, "kid_subsets": config.kid_subsets}
    measured = feature_distances(config.metrics, fake_features, reference, seed=config.seed, **kid)
    floor = feature_distances(config.metrics, first_half, second_half, seed=config.seed, **kid)
    scores: dict[str, float] = {}
    if "fd" in measured:
        scores["fd"], scores["fd_floor"] = measured["fd"], floor["fd"]
        # Same sample size as the floor, so the two compare without FD's small-n bias.
        scores["fd_at_floor_samples"] = frechet_distance(fake_features[:half], second_half)
    if "kid" in measured:
        scores["kid_mean"], scores["kid_std"] = measured["kid"], measured["kid_std"]
        scores["kid_floor_mean"], scores["kid_floor_std"] = floor["kid"], floor["kid_std"]
        scores["kid_subset_size"] = min(config.kid_subset_size, compared)
    wants_classes = {"classifier_score", "coverage"} & set(config.metrics)
    if wants_classes and fake_probabilities is None:
        raise ValueError(
            f"{sorted(wants_classes)} need class probabilities, which feature extractor "
            f"{extractor.name!r} does not output; remove them from the evaluation metrics"
        )
    if "classifier_score" in config.metrics:
        scores["classifier_score"] = classifier_score(fake_probabilities)
        scores["classifier_score_real"] = classifier_score(real_probabilities[:compared])
    if "coverage" in config.metrics:
        scores |= mode_coverage(fake_probabilities, config.min_share)
        real_coverage = mode_coverage(real_probabilities[:compared], config.min_share)
        scores |= {f"{key}_real": value for key, value in real_coverage.items()}
    return scores


def _picture(
    generator: keras.Model, latents: np.ndarray, columns: int | None = None
) -> Image.Image:
    images = generator.predict(latents.astype(np.float32), verbose=0)
    return to_pil(make_grid(images, columns=columns))


def render_samples(
    generator: keras.Model, params: dict[str, Any]
) -> tuple[Image.Image, Image.Image]:
    """A grid of samples and a latent interpolation strip (one row per pair of end points).

    The pictures behind the numbers: smooth rows mean a continuous latent space, abrupt jumps
    or repeated faces/digits mean memorised or collapsed modes.
    """
    figures = FiguresConfig(**params)
    rng = np.random.default_rng(figures.seed)
    latent_dim = generator.input_shape[-1]
    grid_latents = rng.standard_normal((figures.grid_count, latent_dim), dtype=np.float32)
    ends = rng.standard_normal((2, figures.interpolation_rows, latent_dim))
    steps = figures.interpolation_steps
    path = slerp(ends[0], ends[1], np.linspace(0.0, 1.0, steps)).reshape(-1, latent_dim)

    return _picture(generator, grid_latents), _picture(generator, path, columns=steps)


def render_real(images: np.ndarray, params: dict[str, Any]) -> Image.Image:
    """A grid of real training images, as many as the sample grid and in its layout: what the
    generator is judged against (faces: after the crop or pad and resize), side by side."""
    figures = FiguresConfig(**params)
    count = min(figures.grid_count, len(images))
    chosen = np.random.default_rng(figures.seed).choice(len(images), count, replace=False)
    return to_pil(make_grid(images[np.sort(chosen)]))


def plot_quality(quality: pd.DataFrame) -> Figure:
    """In-training quality curves against step, the best step marked where lower is better."""
    columns = [column for column in QUALITY_CURVES if column in quality]
    if not columns:
        raise ValueError(
            f"the in-training quality has none of the columns {list(QUALITY_CURVES)}: was "
            "training run with the quality monitor (evaluation.during_training)?"
        )
    # A bare Figure, not pyplot: no global figure registry to leak across runs.
    figure = Figure(figsize=(4.2 * len(columns), 3.6), layout="tight")
    for axes, column in zip(
        figure.subplots(1, len(columns), squeeze=False)[0], columns, strict=True
    ):
        points = quality[["step", column]].dropna()
        axes.plot(points["step"], points[column], marker="o", markersize=3)
        if column in LOWER_IS_BETTER and len(points):
            best = points.loc[points[column].idxmin()]
            axes.plot(
                best["step"],
                best[column],
                "r*",
                markersize=12,
                label=f"best: step {best['step']:.0f}",
            )
            axes.legend()
        axes.set(xlabel="step", title=QUALITY_CURVES[column])
        axes.grid(alpha=0.3)
    return figure
