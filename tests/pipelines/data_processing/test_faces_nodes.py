"""Faces preprocessing on the 24 example photos and on generated bad and unusual files."""

from __future__ import annotations

import io
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from kedro.io import AbstractDataset
from PIL import Image
from real_data import EXAMPLE_PHOTOS

from gan_pipeline.pipelines.data_processing.nodes import (
    BadImageError,
    FaceOptions,
    prepare_photo,
    preprocess_faces,
)

PROJECT = Path(__file__).resolve().parents[3]


def load_folder(folder: Path) -> dict:
    """The folder through the project's own ``faces.raw`` catalog entry, pointed at ``folder``."""
    catalog = yaml.safe_load((PROJECT / "conf/base/catalog.yml").read_text())
    config = {**catalog["faces.raw"], "path": str(folder)}
    return AbstractDataset.from_config("faces.raw", config).load()


def encode(image: Image.Image, fmt: str, **save_args) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_args)
    return buffer.getvalue()


@pytest.fixture
def photos(tmp_path) -> Path:
    """A writable copy of the 24 example photos."""
    assert len(list(EXAMPLE_PHOTOS.glob("*.jpg"))) == 24, f"missing test data in {EXAMPLE_PHOTOS}"
    return Path(shutil.copytree(EXAMPLE_PHOTOS, tmp_path / "faces"))


def test_example_photos_become_black_padded_squares_in_unit_range(photos):
    images, info, skipped = preprocess_faces(load_folder(photos), {"image_size": 32})
    assert images.shape == (24, 32, 32, 3) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert info == {
        "data_source": "photos",
        "num_images": 24,
        "num_skipped": 0,
        "image_shape": [32, 32, 3],
    }
    assert skipped == []
    # girl_6.jpg is 1200x1800: padded to 1800x1800, a 300 px (5.3 px at 32) black bar each
    # side, of which the resampling kernel leaves the outer 3 px untouched.
    girl_6 = images[sorted(p.name for p in photos.iterdir()).index("girl_6.jpg")]
    np.testing.assert_array_equal(girl_6[:, :3], -1.0)
    np.testing.assert_array_equal(girl_6[:, -3:], -1.0)
    assert girl_6[:, 8:-8].mean() > -0.5  # the photo itself (white background) is not black


def stripes() -> Image.Image:
    """200x100: red left quarter, green middle half, blue right quarter."""
    pixels = np.zeros((100, 200, 3), np.uint8)
    pixels[:, :50, 0] = pixels[:, 50:150, 1] = pixels[:, 150:, 2] = 255
    return Image.fromarray(pixels)


def test_pad_puts_the_whole_photo_on_the_pad_colour():
    options = FaceOptions(image_size=40, min_size=8, pad_color=(255, 255, 255))
    square = prepare_photo(encode(stripes(), "PNG"), options)
    # 200x100 padded to 200x200: 50 px of white above and below -> 10 px at 40, of which the
    # resampling kernel (about 3 px wide here) leaves the outer 6 untouched.
    np.testing.assert_array_equal(square[:6], 255)
    np.testing.assert_array_equal(square[-6:], 255)
    np.testing.assert_array_equal(square[20, 2], [255, 0, 0])
    np.testing.assert_array_equal(square[20, 20], [0, 255, 0])
    np.testing.assert_array_equal(square[20, 37], [0, 0, 255])


def test_crop_keeps_the_centre_square():
    options = FaceOptions(image_size=40, min_size=8, fit="crop")
    square = prepare_photo(encode(stripes(), "PNG"), options)
    # The centre 100x100 of the stripes is exactly the green half.
    np.testing.assert_array_equal(square, np.broadcast_to([0, 255, 0], (40, 40, 3)))


@pytest.mark.parametrize("name", ["girl_4.jpg", "man_11.jpg", "man_5.jpg"])
def test_face_crop_follows_the_face(name):
    """The photo at two corners of a larger white canvas: the centre crops show different
    parts of it, the face crops the same face."""
    photo = Image.open(EXAMPLE_PHOTOS / name).convert("RGB")
    width, height = photo.width * 13 // 10, photo.height * 13 // 10
    squares = {}
    for fit in ("crop", "face"):
        options = FaceOptions(image_size=32, fit=fit, pad_color=(255, 255, 255))
        for corner in [(0, 0), (width - photo.width, height - photo.height)]:
            canvas = Image.new("RGB", (width, height), (255, 255, 255))
            canvas.paste(photo, corner)
            squares.setdefault(fit, []).append(prepare_photo(encode(canvas, "PNG"), options))
    difference = {
        fit: np.abs(np.subtract(*pair, dtype=float)).mean() for fit, pair in squares.items()
    }
    assert difference["crop"] > 50 and difference["face"] < 15, difference


def test_face_crop_zooms_in_and_pads_past_the_edges():
    """girl_6.jpg (1200x1800, white background, the face about 650 px wide): a margin of 1
    keeps the face alone, no background; a margin of 4 reaches past the photo's sides, which
    get the pad colour."""
    data = (EXAMPLE_PHOTOS / "girl_6.jpg").read_bytes()
    crop = prepare_photo(data, FaceOptions(image_size=64, fit="crop"))
    face = prepare_photo(data, FaceOptions(image_size=64, fit="face", face_margin=1.0))
    wide = prepare_photo(data, FaceOptions(image_size=64, fit="face", face_margin=4.0))
    white = [(image > 235).all(axis=-1).mean() for image in (crop, face)]
    assert white[0] > 0.2 and white[1] < 0.05, white
    np.testing.assert_array_equal(wide[:, :2], 0)  # pad_color's default, black
    np.testing.assert_array_equal(wide[:, -2:], 0)


def test_a_photo_without_a_face_is_skipped_or_stops_the_run(caplog):
    files = {
        "man_5.jpg": (EXAMPLE_PHOTOS / "man_5.jpg").read_bytes,
        "stripes.png": lambda: encode(stripes().resize((300, 300)), "PNG"),
    }
    options = {"image_size": 16, "fit": "face"}
    with caplog.at_level(logging.WARNING):
        images, info, skipped = preprocess_faces(files, options)
    assert images.shape == (1, 16, 16, 3) and info["num_skipped"] == 1
    reason = "no frontal face found"
    assert skipped[0]["file"] == "stripes.png" and reason in skipped[0]["reason"]
    assert "stripes.png" in caplog.text and reason in caplog.text
    with pytest.raises(BadImageError, match=f"stripes.png: {reason}"):
        preprocess_faces(files, {**options, "on_bad_image": "fail"})


def test_exif_orientation_is_applied():
    # Stored 80 wide x 40 high, red left and blue right; Orientation 6 = show rotated 90 deg
    # clockwise, i.e. a 40 x 80 portrait with red on top.
    pixels = np.zeros((40, 80, 3), np.uint8)
    pixels[:, :40, 0] = pixels[:, 40:, 2] = 255
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(Image.fromarray(pixels), "JPEG", exif=exif, quality=95)
    square = prepare_photo(data, FaceOptions(image_size=32, min_size=8)).astype(int)
    # Portrait, so the 8 px of black padding are left and right, not above and below.
    assert square[:, :4].max() == 0 and square[:, -4:].max() == 0
    assert square[:4].max() > 200 and square[-4:].max() > 200
    red, blue = square[4, 16], square[28, 16]
    assert red[0] > 200 and red[2] < 60, red
    assert blue[2] > 200 and blue[0] < 60, blue


def constant(mode: str, value, size: int = 64) -> Image.Image:
    return Image.new(mode, (size, size), value)


def sixteen_bit_grey() -> Image.Image:
    return Image.fromarray(np.full((64, 64), 40000, np.uint16))  # mode I;16


def palette_with_transparent_half() -> Image.Image:
    image = Image.new("P", (64, 64), 1)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)  # index 0 red, 1 blue
    image.paste(0, (0, 0, 32, 64))
    image.info["transparency"] = 0  # red is transparent
    return image


@pytest.mark.parametrize(
    ("image", "fmt", "left", "right"),
    [
        (constant("L", 100), "PNG", [100] * 3, [100] * 3),
        (constant("1", 1), "BMP", [255] * 3, [255] * 3),
        (constant("CMYK", (255, 0, 0, 0)), "JPEG", [0, 255, 255], [0, 255, 255]),
        (sixteen_bit_grey(), "PNG", [156] * 3, [156] * 3),  # 40000 / 256, not clipped to 255
        (constant("LA", (50, 0)), "PNG", [10, 20, 30], [10, 20, 30]),  # all transparent
        (constant("RGB", (1, 2, 3)), "WEBP", [1, 2, 3], [1, 2, 3]),
        (palette_with_transparent_half(), "PNG", [10, 20, 30], [0, 0, 255]),
    ],
    ids=["grey", "bilevel", "cmyk", "16-bit", "grey-alpha", "webp", "palette-transparency"],
)
def test_every_colour_mode_becomes_rgb_on_the_pad_colour(image, fmt, left, right):
    data = encode(image, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    assert Image.open(io.BytesIO(data)).mode == image.mode
    options = FaceOptions(image_size=16, min_size=8, pad_color=(10, 20, 30))
    square = prepare_photo(data, options).astype(int)
    np.testing.assert_allclose(square[8, 2], left, atol=2)  # JPEG's CMYK may be off by one
    np.testing.assert_allclose(square[8, 13], right, atol=2)


def test_rgba_is_composited_on_the_pad_colour():
    pixels = np.zeros((64, 64, 4), np.uint8)
    pixels[:, :, 1] = 255  # green everywhere ...
    pixels[:, 32:, 3] = 255  # ... but only the right half is opaque
    data = encode(Image.fromarray(pixels), "PNG")
    square = prepare_photo(data, FaceOptions(image_size=16, min_size=8))
    np.testing.assert_array_equal(square[:, :5], 0)  # transparent over black
    np.testing.assert_array_equal(square[:, 11:], np.broadcast_to([0, 255, 0], (16, 5, 3)))


@pytest.fixture
def bad_files(photos) -> dict[str, str]:
    """Adds one file of every bad kind next to the example photos; returns name -> reason."""
    seed = (photos / "girl_1.jpg").read_bytes()
    (photos / "truncated.jpg").write_bytes(seed[: len(seed) // 2])
    (photos / "random.jpg").write_bytes(np.random.default_rng(0).bytes(4096))
    (photos / "notes.txt").write_text("not a photo\n")
    Image.new("RGB", (40, 60), "gray").save(photos / "tiny.png")
    # 1600 x 1600 = 2.56 M pixels, above the max_pixels=2.2 M the tests set (the largest seed
    # photo has 1200 x 1800 = 2.16 M); a single colour, so the file itself is tiny.
    Image.new("L", (1600, 1600)).save(photos / "bomb.png")
    return {
        "bomb.png": "decompression bomb: 1600x1600 = 2,560,000 pixels exceeds max_pixels",
        "notes.txt": "not an image file",
        "random.jpg": "not an image file",
        "tiny.png": "too small: 40x60 px, shorter side below min_size=128",
        "truncated.jpg": "corrupt or truncated image: image file is truncated",
    }


def test_bad_files_are_skipped_with_a_warning_and_listed(bad_files, photos, caplog):
    options = {"image_size": 16, "max_pixels": 2_200_000}
    with caplog.at_level(logging.WARNING):
        images, info, skipped = preprocess_faces(load_folder(photos), options)
    assert images.shape == (24, 16, 16, 3)
    assert info["num_images"] == 24 and info["num_skipped"] == 5
    assert [entry["file"] for entry in skipped] == sorted(bad_files)
    for entry in skipped:
        assert bad_files[entry["file"]] in entry["reason"]
        assert any(
            entry["file"] in r.getMessage() and bad_files[entry["file"]] in r.getMessage()
            for r in caplog.records
            if r.levelno == logging.WARNING
        ), entry


@pytest.mark.parametrize(
    "name", ["bomb.png", "notes.txt", "random.jpg", "tiny.png", "truncated.jpg"]
)
def test_fail_mode_stops_at_a_bad_file_naming_it(bad_files, photos, name):
    for other in set(bad_files) - {name}:
        (photos / other).unlink()
    options = {"image_size": 16, "max_pixels": 2_200_000, "on_bad_image": "fail"}
    with pytest.raises(BadImageError, match=f"{name}: {bad_files[name]}"):
        preprocess_faces(load_folder(photos), options)


def test_no_usable_photo_says_where_to_put_photos(tmp_path):
    (tmp_path / "notes.txt").write_text("no photos here")
    with pytest.raises(ValueError, match=r"None of the 1 files.*data/01_raw/faces/.*dvc add"):
        preprocess_faces(load_folder(tmp_path), {})
    with pytest.raises(ValueError, match=r"No photos found.*data/01_raw/faces/"):
        preprocess_faces({}, {})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fit": "stretch"}, "fit='stretch'; choose pad, crop or face"),
        ({"face_margin": 0.5}, r"face_margin=0.5; want >= 1"),
        ({"on_bad_image": "ignore"}, "on_bad_image='ignore'; choose skip or fail"),
        ({"pad_color": [0, 0]}, r"pad_color=\(0, 0\)"),
    ],
)
def test_bad_options_are_rejected_before_reading_photos(options, message):
    with pytest.raises(ValueError, match=message):
        preprocess_faces({"never.jpg": lambda: pytest.fail("read a photo")}, options)
