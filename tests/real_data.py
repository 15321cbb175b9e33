"""Where the tests' real data lives: inside the repository, so a clone with nothing beside it
runs every test (importable: `pythonpath = tests`)."""

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from skimage.transform import resize

PROJECT = Path(__file__).resolve().parents[1]
# MNIST's official test set as published (IDX, gzip): 10,000 digits and their labels.
MNIST_T10K = PROJECT / "tests" / "data" / "mnist"
# The 24 ID photos of the original faces script, the faces pipeline's example input.
EXAMPLE_PHOTOS = PROJECT / "examples" / "faces"


def example_photos(size: int, count: int = 24) -> np.ndarray:
    """The first ``count`` example photos as RGB ``size`` x ``size`` in [-1, 1] (float32)."""
    photos = []
    for path in sorted(EXAMPLE_PHOTOS.glob("*.jpg"))[:count]:
        with Image.open(path) as photo:
            pixels = np.asarray(ImageOps.exif_transpose(photo).convert("RGB"))
        photos.append(resize(pixels, (size, size), anti_aliasing=True))  # floats in [0, 1]
    return (np.stack(photos) * 2.0 - 1.0).astype(np.float32)
