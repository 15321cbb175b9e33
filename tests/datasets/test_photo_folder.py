"""The faces input through the project's own ``faces.raw`` catalog entry: the user's photos,
else the example photos in git, else an error saying where photos go."""

import logging
import shutil

import pytest
import yaml
from kedro.io import AbstractDataset, DatasetError
from real_data import EXAMPLE_PHOTOS, PROJECT


def faces_raw(folder, **changes) -> AbstractDataset:
    """``faces.raw`` as the catalog configures it, reading ``folder``."""
    config = yaml.safe_load((PROJECT / "conf/base/catalog.yml").read_text())["faces.raw"]
    examples = str(PROJECT / config["example_path"])
    config = {**config, "path": str(folder), "example_path": examples, **changes}
    return AbstractDataset.from_config("faces.raw", config)


@pytest.mark.parametrize("make_folder", [False, True], ids=["missing", "empty"])
def test_no_photos_of_your_own_loads_the_example_photos(tmp_path, caplog, make_folder):
    folder = tmp_path / "faces"
    if make_folder:
        folder.mkdir()
    with caplog.at_level(logging.WARNING):
        partitions = faces_raw(folder).load()
    assert sorted(partitions) == sorted(path.name for path in EXAMPLE_PHOTOS.glob("*.jpg"))
    assert len(partitions) == 24
    assert partitions["girl_1.jpg"]() == (EXAMPLE_PHOTOS / "girl_1.jpg").read_bytes()
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"No photos in '{folder}'" in warning and "24 example photos" in warning
    assert "examples/faces" in warning


def test_your_photos_replace_the_examples(tmp_path, caplog):
    folder = tmp_path / "faces"
    folder.mkdir()
    shutil.copy(EXAMPLE_PHOTOS / "man_3.jpg", folder / "me.jpg")
    with caplog.at_level(logging.WARNING):
        partitions = faces_raw(folder).load()
    assert list(partitions) == ["me.jpg"]
    assert not caplog.records


def test_without_examples_an_empty_folder_says_where_photos_go(tmp_path):
    dataset = faces_raw(tmp_path / "faces", example_path=None)
    with pytest.raises(DatasetError, match=r"No photos in '.*faces' .*Copy JPEG.*`dvc add "):
        dataset.load()
