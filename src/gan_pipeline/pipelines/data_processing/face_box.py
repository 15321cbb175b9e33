"""Where the face is in a photo: the square a ``fit: face`` crop keeps."""

from __future__ import annotations

import functools

import numpy as np
from PIL import Image
from skimage import data
from skimage.color import rgb2gray
from skimage.feature import Cascade

# Detection runs on copies this wide (longest side): the cascade's cost grows with the
# pixels, and a face in a portrait is far larger than the 24 px it needs. The cascade's box
# moves by up to a third between sizes (its windows sit on a grid); the median of the
# sizes' boxes is steadier.
DETECTION_SIZES = (360, 400, 440, 480, 520)
# Windows smaller than this share of the shorter side are not searched: in a portrait
# the face is a large part of the picture, and small windows are where false faces are.
SMALLEST_FACE = 0.15


class NoFaceError(ValueError):
    """The detector found no frontal face in the photo."""


@functools.cache
def _detector() -> Cascade:
    """scikit-image's bundled LBP frontal-face cascade (OpenCV's, trained on upright faces)."""
    return Cascade(data.lbp_frontal_face_cascade_filename())


def _largest_face(image: Image.Image, size: int) -> tuple[float, float, float] | None:
    """Centre x, centre y and width (photo pixels) of the largest face found in a copy of
    ``image`` ``size`` pixels on its longest side; ``None`` when none is found."""
    scale = size / max(image.size)
    small = image.resize((round(image.width * scale), round(image.height * scale)))
    smallest = max(24, round(SMALLEST_FACE * min(small.size)))
    faces = _detector().detect_multi_scale(
        rgb2gray(np.asarray(small.convert("RGB"))),
        scale_factor=1.1,
        step_ratio=1,
        min_size=(smallest, smallest),
        max_size=(size, size),
    )
    if not faces:
        return None
    face = max(faces, key=lambda found: found["width"])
    half = face["width"] / 2
    return (face["c"] + half) / scale, (face["r"] + half) / scale, face["width"] / scale


def face_square(image: Image.Image, margin: float) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of a square ``margin`` times as wide as the largest face
    found (the median over ``DETECTION_SIZES``), centred on it and shifted down by a tenth of
    the face so chin and collar stay in.

    The box may reach past the photo's edges (a face near an edge); the caller fills that.
    """
    boxes = [box for size in DETECTION_SIZES if (box := _largest_face(image, size))]
    if not boxes:
        raise NoFaceError("no frontal face found (scikit-image's LBP face cascade)")
    centre_x, centre_y, width = np.median(boxes, axis=0)
    centre_y += width / 10
    half = margin * width / 2
    left, top = round(centre_x - half), round(centre_y - half)
    side = round(2 * half)
    return left, top, left + side, top + side
