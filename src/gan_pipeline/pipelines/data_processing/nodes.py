"""Raw data -> float32 image arrays in [-1, 1]."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from kedro.io import DatasetError
from PIL import Image, ImageOps, UnidentifiedImageError

from gan_pipeline.errors import ExpectedError
from gan_pipeline.gan.config import FaceOptions
from gan_pipeline.pipelines.data_processing.face_box import NoFaceError, face_square

log = logging.getLogger(__name__)

FACES_HELP = (
    "Copy JPEG, PNG, WebP or BMP photos into data/01_raw/faces/, track them with "
    "`dvc add data/01_raw/faces`, then rerun."
)


def scale_to_unit_range(images: np.ndarray) -> np.ndarray:
    """uint8 pixels [0, 255] -> float32 [-1, 1]."""
    return images.astype(np.float32) / 127.5 - 1.0


def preprocess_mnist(raw: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """MNIST digits -> (N, 28, 28, 1) float32 in [-1, 1], labels, and a record of the data used.

    The record (``data_source``, counts) travels with the run so a result trained on the
    5,000-digit fallback sample is never mistaken for one trained on the full set.
    """
    images, labels = np.asarray(raw["images"]), np.asarray(raw["labels"])
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"MNIST images must be uint8 (N, H, W), got {images.dtype} {images.shape}")
    info = {
        "data_source": raw["source"],
        "num_images": len(images),
        "image_shape": [*images.shape[1:], 1],
    }
    return scale_to_unit_range(images)[..., np.newaxis], labels.astype(np.int64), info


class BadImageError(ExpectedError, ValueError):
    """A file that cannot be used as a training photo; the message says why."""


def _decode(data: bytes, options: FaceOptions) -> Image.Image:
    """File bytes -> a decoded, upright image, or ``BadImageError`` with the reason.

    The size check reads only the header, so a decompression bomb is refused before its
    pixels are decoded; ``options.max_pixels`` is checked per call instead of changing
    Pillow's process-wide ``Image.MAX_IMAGE_PIXELS``.
    """
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as error:
        raise BadImageError("not an image file Pillow can read") from error
    except Image.DecompressionBombError as error:
        raise BadImageError(f"decompression bomb: {error}") from error
    width, height = image.size
    if width * height > options.max_pixels:
        raise BadImageError(
            f"decompression bomb: {width}x{height} = {width * height:,} pixels exceeds "
            f"max_pixels={options.max_pixels:,}"
        )
    try:
        image.load()  # a truncated or corrupt file fails here
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise BadImageError(f"corrupt or truncated image: {error}") from error
    if min(image.size) < options.min_size:
        raise BadImageError(
            f"too small: {image.width}x{image.height} px, shorter side below "
            f"min_size={options.min_size}"
        )
    return image


def _to_rgb(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Any mode -> RGB; transparent parts are composited onto ``background``."""
    if image.mode.startswith("I"):
        # Hand-written: Pillow converts 16/32-bit grey (I;16, I) to 8 bits by clipping at
        # 255, not by scaling; keep the top 8 of 16 bits instead.
        image = Image.fromarray((np.clip(np.asarray(image), 0, 65535) >> 8).astype(np.uint8))
    if image.has_transparency_data:
        canvas = Image.new("RGBA", image.size, (*background, 255))
        image = Image.alpha_composite(canvas, image.convert("RGBA"))
    return image.convert("RGB")


def _square(image: Image.Image, options: FaceOptions) -> Image.Image:
    """Pad (before resizing, in pixel space), centre-crop or crop around the face to a square,
    then resize. A face square reaching past the photo's edges is filled with ``pad_color``.

    Pillow's LANCZOS resampling widens its kernel by the downscaling factor, so it
    anti-aliases like ``skimage.transform.resize(anti_aliasing=True)`` while working on
    uint8 pixels in C: a 1200x1800 photo never becomes a float64 array.
    """
    if options.fit == "crop":
        # Cropped first, so the resampling kernel never reaches pixels outside the square
        # (ImageOps.fit resamples from the whole photo).
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        square = image.crop((left, top, left + side, top + side))
    elif options.fit == "face":
        left, top, right, _ = face_square(image, options.face_margin)
        square = Image.new("RGB", (right - left, right - left), options.pad_color)
        square.paste(image, (-left, -top))
    else:
        side = max(image.size)
        square = ImageOps.pad(image, (side, side), color=options.pad_color)
    return square.resize((options.image_size, options.image_size), Image.Resampling.LANCZOS)


def prepare_photo(data: bytes, options: FaceOptions) -> np.ndarray:
    """One photo file -> (S, S, 3) uint8, or ``BadImageError`` saying why it is unusable."""
    image = _decode(data, options)
    try:
        rgb = _to_rgb(image, options.pad_color)
    except ValueError as error:  # colour modes Pillow cannot convert (LAB, say)
        raise BadImageError(f"unsupported colour mode {image.mode}: {error}") from error
    try:
        square = _square(rgb, options)
    except NoFaceError as error:
        raise BadImageError(str(error)) from error
    return np.asarray(square, dtype=np.uint8)


def preprocess_faces(
    photos: dict[str, Callable[[], bytes]], options: dict[str, Any]
) -> tuple[np.ndarray, dict[str, Any], list[dict[str, str]]]:
    """Photo files -> (N, S, S, 3) float32 in [-1, 1], a record of the data, skipped files.

    ``photos`` maps file names to load functions (a ``PartitionedDataset``), so files are
    read one at a time and a bad one is either skipped with a warning and listed with its
    reason (``on_bad_image: skip``) or stops the run with that reason (``fail``).
    """
    settings = FaceOptions(**options)  # checked before the run too (validation.py)
    if not photos:
        raise ValueError(f"No photos found. {FACES_HELP}")
    images, skipped = [], []
    for name in sorted(photos):
        try:
            images.append(prepare_photo(photos[name](), settings))
        except (BadImageError, DatasetError) as error:  # DatasetError: the file is unreadable
            if settings.on_bad_image == "fail":
                raise BadImageError(f"{name}: {error} (on_bad_image: fail)") from error
            log.warning("Skipping photo %s: %s", name, error)
            skipped.append({"file": name, "reason": str(error)})
    if not images:
        raise BadImageError(
            f"None of the {len(photos)} files is a usable photo (see the warnings). {FACES_HELP}"
        )
    info = {
        "data_source": "photos",
        "num_images": len(images),
        "num_skipped": len(skipped),
        "image_shape": [settings.image_size, settings.image_size, 3],
    }
    return scale_to_unit_range(np.stack(images)), info, skipped
