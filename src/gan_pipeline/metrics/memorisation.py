"""Memorisation: how close each generated image is to its nearest training image, by SSIM."""

from __future__ import annotations

import numpy as np

from gan_pipeline.metrics.checks import image_batch
from gan_pipeline.metrics.ssim import ssim


def nearest_ssim(
    samples: np.ndarray, references: np.ndarray, leave_one_out: bool = False
) -> np.ndarray:
    """For each sample, the highest SSIM to any reference image or its mirror image (a
    left-right flipped photo is a copy too, and ``train.mirror`` trains on them).

    ``leave_one_out`` compares ``samples`` (then the same set as ``references``) with the other
    images only: the real-data floor of how alike two distinct training images are.
    """
    samples = image_batch(samples, "samples")
    references = image_batch(references, "reference images")
    if samples.shape[1:] != references.shape[1:]:
        raise ValueError(f"image shapes differ: {samples.shape[1:]} vs {references.shape[1:]}")
    similarity = np.array(
        [
            [
                max(ssim(sample, reference), ssim(sample, reference[:, ::-1]))
                for reference in references
            ]
            for sample in samples
        ]
    )
    if leave_one_out:
        np.fill_diagonal(similarity, -np.inf)
    return similarity.max(axis=1)


def memorisation(
    generated: np.ndarray, training: np.ndarray, threshold: float = 0.9
) -> dict[str, float]:
    """Nearest-training-image SSIM of generated samples and the share above ``threshold``.

    ``memorised_share`` (lower is better) counts samples that are near copies of a training
    image; ``nearest_ssim_real`` is the same mean for real images against the *other* real
    images, the level a generator that learned the distribution without copying should show.
    """
    nearest = nearest_ssim(generated, training)
    return {
        "memorised_share": float((nearest > threshold).mean()),
        "nearest_ssim_mean": float(nearest.mean()),
        "nearest_ssim_max": float(nearest.max()),
        "nearest_ssim_real": float(nearest_ssim(training, training, leave_one_out=True).mean()),
    }
