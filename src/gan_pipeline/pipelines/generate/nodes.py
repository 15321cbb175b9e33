"""Generate: a trained generator -> sample PNGs, a grid, a latent-walk GIF and the raw arrays."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import keras
import numpy as np
from PIL import Image
from scipy.stats import truncnorm

from gan_pipeline.datasets.generator_source import GeneratorSource
from gan_pipeline.gan.conditional import boundaries_of, in_classes
from gan_pipeline.gan.config import GenerateOptions
from gan_pipeline.gan.images import make_grid, to_pil, to_uint8
from gan_pipeline.gan.latents import slerp


def sample_latents(
    rng: np.random.Generator, count: int, latent_dim: int, truncation: float | None = None
) -> np.ndarray:
    """(count, latent_dim) float32 latents from the training distribution, N(0, 1).

    With ``truncation`` t, entries beyond +-t are redrawn until they fall inside, i.e. a
    normal truncated to [-t, t] (scipy's ``truncnorm``): the "truncation trick", which
    trades variety for samples nearer the typical ones.
    """
    if truncation is None:
        return rng.standard_normal((count, latent_dim), dtype=np.float32)
    bounds = (-truncation, truncation)
    return truncnorm.rvs(*bounds, size=(count, latent_dim), random_state=rng).astype(np.float32)


def load_generator(
    source: GeneratorSource, options: dict[str, Any], data_info: dict[str, Any]
) -> keras.Model:
    """The generator that ``model_uri`` names (the trained file when null), checked against
    the dataset: one latent vector in, one image of the dataset's shape out.

    The check stops a generator of another dataset or image size here, with both shapes,
    instead of producing misshapen samples or a reshape error later.
    """
    model_uri = GenerateOptions(**options).model_uri
    generator = source.load(model_uri)
    where = source.location(model_uri)
    expected = tuple(data_info["image_shape"])
    if len(generator.inputs) != 1 or len(generator.input_shape) != 2:
        raise ValueError(
            f"{where}: a generator takes one batch of latent vectors, (None, latent_dim); "
            f"this model takes {generator.input_shape}"
        )
    if tuple(generator.output_shape[1:]) != expected:
        raise ValueError(
            f"{where}: the generator makes images of shape {tuple(generator.output_shape[1:])}"
            f", but this dataset's images are {expected} (its data_info); it was trained on "
            "another dataset or image size."
        )
    return generator


def generate_samples(generator: keras.Model, options: dict[str, Any]) -> dict[str, np.ndarray]:
    """``n`` samples: latents drawn from ``seed`` and images in [-1, 1], the same for the
    same seed and generator. Returned as named arrays for the ``.npz``.

    With ``classes`` (a generator trained with ``model.conditional``), sample i is of class
    ``classes[i % len(classes)]``: its latent's first entry is redrawn inside that class's
    interval, which is where the generator reads the class from.
    """
    settings = GenerateOptions(**options)
    rng = np.random.default_rng(settings.seed)
    latents = sample_latents(rng, settings.n, generator.input_shape[-1], settings.truncation)
    if settings.classes is not None:
        wanted = np.resize(np.asarray(settings.classes), settings.n)
        try:
            boundaries = boundaries_of(generator)
        except ValueError as error:
            raise ValueError(f"generate.classes is set, but {error}") from None
        latents = in_classes(latents, wanted, boundaries, rng)
    images = generator.predict(latents, verbose=0)
    return {"latents": latents, "images": np.asarray(images, dtype=np.float32)}


def sample_pngs(samples: dict[str, np.ndarray]) -> dict[str, Callable[[], Image.Image]]:
    """One PNG per sample, keyed ``000000``, ``000001``, ...

    Lazy partitions: each image is converted only as the ``PartitionedDataset`` writes it,
    and the tracking hook, which logs dicts of images to MLflow, does not copy thousands of
    samples there (the grid stands for them).
    """
    pixels = to_uint8(samples["images"])
    return {f"{index:06d}": partial(to_pil, image) for index, image in enumerate(pixels)}


def sample_grid(samples: dict[str, np.ndarray], options: dict[str, Any]) -> Image.Image:
    """The first ``grid`` samples tiled into one image."""
    return to_pil(make_grid(samples["images"][: GenerateOptions(**options).grid]))


def interpolate(generator: keras.Model, options: dict[str, Any]) -> list[Image.Image]:
    """GIF frames of latent walks that loop: each frame shows every walk at the same step.

    Walks follow great circles between keyframes (the evaluation's slerp), which keeps the
    latents' norm typical. Keyframes come from their own stream of ``seed``, so changing
    ``n`` does not change the animation.
    """
    settings = GenerateOptions(**options)
    walk = settings.interpolation
    latent_dim = generator.input_shape[-1]
    rng = np.random.default_rng([settings.seed, 1])
    keys = sample_latents(rng, walk.keyframes * walk.walks, latent_dim, settings.truncation)
    keys = keys.reshape(walk.keyframes, walk.walks, latent_dim)
    fractions = np.arange(walk.steps) / walk.steps  # the next keyframe starts the next leg
    legs = [
        slerp(keys[key], keys[(key + 1) % walk.keyframes], fractions).swapaxes(0, 1)
        for key in range(walk.keyframes)
    ]  # each (steps, walks, latent_dim)
    latents = np.concatenate(legs).reshape(-1, latent_dim).astype(np.float32)
    images = np.asarray(generator.predict(latents, verbose=0))
    frames = images.reshape(-1, walk.walks, *images.shape[1:])
    return [to_pil(make_grid(frame, columns=walk.walks)) for frame in frames]
