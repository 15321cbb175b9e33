"""Converting generator output to viewable images."""

from __future__ import annotations

import numpy as np
from PIL import Image


def with_mirrored(
    images: np.ndarray, labels: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The images followed by their left-right flipped copies (StyleGAN's ``--mirror``), and
    the labels repeated to match; each backend's input pipeline starts from this."""
    mirrored = np.concatenate([images, images[:, :, ::-1]])
    return mirrored, None if labels is None else np.concatenate([labels, labels])


def to_uint8(images: np.ndarray) -> np.ndarray:
    """[-1, 1] floats -> uint8 pixels, clipping stray values."""
    return np.clip(np.rint((np.asarray(images) + 1.0) * 127.5), 0, 255).astype(np.uint8)


def make_grid(images: np.ndarray, columns: int | None = None, padding: int = 2) -> np.ndarray:
    """Tile (N, H, W, C) images in [-1, 1] into one uint8 (rows*H, columns*W, C) image."""
    images = to_uint8(images)
    count, height, width, channels = images.shape
    columns = columns or int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / columns))
    grid = np.zeros(
        (rows * (height + padding) + padding, columns * (width + padding) + padding, channels),
        dtype=np.uint8,
    )
    for index, image in enumerate(images):
        top = padding + (index // columns) * (height + padding)
        left = padding + (index % columns) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def to_pil(pixels: np.ndarray) -> Image.Image:
    """uint8 (H, W, 1) or (H, W, 3) -> a greyscale or RGB PIL image."""
    return Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
