"""The conditional-GAN contract: a class is an interval of z[0] under N(0, 1).

A generator trained with class labels is exported as a plain z -> image model: its first
latent entry falls into one of ``classes`` equally likely intervals of N(0, 1), and the
interval's index is the class fed to the generator. Classes therefore come out uniform from
plain Gaussian noise, and a caller who wants a given class draws z[0] inside its interval.
Every side of that contract lives here: the class count from the labels, the boundaries, the
export that reads the class off z, and drawing z for chosen classes.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers
from scipy.stats import norm

from gan_pipeline.gan.config import ModelConfig

# The layer of the noise-only export that reads the class off z[0]; it holds the boundaries.
CLASS_LAYER = "class_from_z"


def class_count(model: ModelConfig, labels: np.ndarray | None, count: int) -> int:
    """Number of classes a conditional GAN is built for (0: unconditional), from the labels
    of its ``count`` images."""
    if not model.conditional:
        return 0
    if labels is None:
        raise ValueError("model.conditional needs class labels; this dataset has none")
    if labels.shape != (count,) or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError(
            f"labels must be {count} non-negative integers (one per image), got "
            f"{labels.dtype} of shape {labels.shape}"
        )
    return int(labels.max()) + 1


def class_boundaries(classes: int) -> list[float]:
    """Where N(0, 1) splits into ``classes`` equally likely intervals."""
    return [float(b) for b in norm.ppf(np.arange(1, classes) / classes)]


def noise_only(generator: keras.Model, classes: int) -> keras.Model:
    """A conditional generator (``[z, label]`` in) as a plain one: z in, the class read off
    z[0] by a built-in ``Discretization`` layer named ``CLASS_LAYER``.

    The model keeps the unconditional interface, (None, latent_dim) -> image, and holds
    built-in layers only, so the exported HDF5 file loads anywhere without this package.
    """
    latent_dim = generator.input_shape[0][-1]
    z = keras.Input((latent_dim,), name="z")
    first = layers.Reshape((latent_dim, 1))(z)
    first = layers.Flatten()(layers.Cropping1D((0, latent_dim - 1))(first))  # z[:, :1]
    label = layers.Discretization(
        bin_boundaries=class_boundaries(classes), dtype="float32", name=CLASS_LAYER
    )(first)
    return keras.Model(z, generator([z, label]), name=f"{generator.name}_noise_only")


def boundaries_of(generator: keras.Model) -> list[float]:
    """The class boundaries an exported generator reads z[0] against; an error for an
    unconditional one, which has no classes to choose."""
    try:
        layer = generator.get_layer(CLASS_LAYER)
    except ValueError:
        raise ValueError(
            f"generator {generator.name!r} has no {CLASS_LAYER!r} layer: it was not trained "
            "with model.conditional: true"
        ) from None
    return list(layer.bin_boundaries)


def in_classes(
    latents: np.ndarray, classes: np.ndarray, boundaries: list[float], rng: np.random.Generator
) -> np.ndarray:
    """``latents`` with entry 0 of row i redrawn inside the interval of N(0, 1) that
    ``boundaries`` give class ``classes[i]``: still normal within it, so only the class is
    chosen, not a typical member of it."""
    count = len(boundaries) + 1
    if classes.max() >= count:
        raise ValueError(f"classes {sorted(set(classes.tolist()))}: this generator has {count}")
    edges = norm.cdf(np.concatenate([[-np.inf], boundaries, [np.inf]]))
    low, high = edges[classes], edges[classes + 1]
    chosen = latents.copy()
    chosen[:, 0] = norm.ppf(low + rng.uniform(size=len(classes)) * (high - low))
    return chosen
