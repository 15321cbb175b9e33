"""The generate pipeline's own output formats: .npz archives and animated GIFs."""

import numpy as np
import pytest
from kedro.io import DatasetError
from PIL import Image

from gan_pipeline.datasets.gif import AnimatedGifDataset
from gan_pipeline.datasets.npz import NpzDataset


def test_npz_round_trip_keeps_names_dtypes_and_values(tmp_path):
    arrays = {
        "latents": np.random.default_rng(0).standard_normal((4, 8)).astype(np.float32),
        "images": np.linspace(-1, 1, 4 * 28 * 28, dtype=np.float32).reshape(4, 28, 28, 1),
    }
    dataset = NpzDataset(filepath=str(tmp_path / "out/samples.npz"))
    assert not dataset.exists()
    dataset.save(arrays)
    loaded = dataset.load()
    assert sorted(loaded) == ["images", "latents"]
    for name, array in arrays.items():
        assert loaded[name].dtype == np.float32
        np.testing.assert_array_equal(loaded[name], array)


def test_npz_refuses_object_arrays(tmp_path):
    with pytest.raises(DatasetError, match=r"samples\.npz: arrays \['meta'\] hold Python"):
        NpzDataset(filepath=str(tmp_path / "samples.npz")).save({"meta": np.array([{}, None])})


def test_gif_saves_every_frame_with_the_catalog_timing(tmp_path):
    rng = np.random.default_rng(0)
    frames = [Image.fromarray(rng.integers(0, 256, (16, 24), dtype=np.uint8)) for _ in range(5)]
    path = tmp_path / "walk.gif"
    dataset = AnimatedGifDataset(filepath=str(path), save_args={"duration": 80, "loop": 0})
    dataset.save(frames)
    with Image.open(path) as gif:
        assert (gif.n_frames, gif.info["duration"], gif.info["loop"]) == (5, 80, 0)
    loaded = dataset.load()
    assert len(loaded) == 5
    for original, frame in zip(frames, loaded, strict=True):  # greyscale GIFs are lossless
        np.testing.assert_array_equal(np.asarray(frame.convert("L")), np.asarray(original))


def test_gif_needs_a_frame(tmp_path):
    with pytest.raises(DatasetError, match="at least one frame"):
        AnimatedGifDataset(filepath=str(tmp_path / "walk.gif")).save([])
