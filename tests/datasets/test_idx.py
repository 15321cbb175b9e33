import gzip
import hashlib
import struct

import numpy as np
import pytest

from gan_pipeline.datasets.idx import IDXFormatError, parse_idx, read_idx


def test_reads_official_t10k_files(mnist_dir):
    images = read_idx(mnist_dir / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(mnist_dir / "t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,)
    assert set(np.unique(labels)) == set(range(10))
    # Real digits: mostly black background, bright strokes.
    assert 0.1 < (images > 128).mean() < 0.2


def test_published_checksum_of_the_committed_files(mnist_dir):
    digest = hashlib.md5((mnist_dir / "t10k-labels-idx1-ubyte.gz").read_bytes()).hexdigest()
    assert digest == "ec29112dd5afa0611ce80d1b7f02629c"


def _idx(shape, payload=None, type_code=0x08):
    header = struct.pack(">HBB", 0, type_code, len(shape)) + struct.pack(f">{len(shape)}I", *shape)
    return header + (payload if payload is not None else bytes(int(np.prod(shape))))


def test_parses_other_element_types():
    values = np.arange(6, dtype=">i4")
    array = parse_idx(_idx((2, 3), values.tobytes(), type_code=0x0C))
    np.testing.assert_array_equal(array, np.arange(6).reshape(2, 3))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x00", "too short"),
        (b"\x12\x34\x08\x03" + bytes(12), "bad magic number"),
        (struct.pack(">HBB", 0, 0x07, 1) + bytes(4), "bad magic number"),
        (struct.pack(">HBB", 0, 0x08, 3) + bytes(6), "file ends first"),
        (_idx((4, 28, 28), bytes(100)), "truncated"),
        (_idx((2, 2), bytes(9)), "trailing bytes"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path, raw, message):
    path = tmp_path / "broken-idx3-ubyte"
    path.write_bytes(raw)
    with pytest.raises(IDXFormatError, match=message) as error:
        read_idx(path)
    assert str(path) in str(error.value)


def test_truncated_gzip_is_reported(tmp_path, mnist_dir):
    whole = (mnist_dir / "t10k-labels-idx1-ubyte.gz").read_bytes()
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IDXFormatError, match="cannot read") as error:
        read_idx(path)
    assert str(path) in str(error.value)


def test_gzip_of_truncated_idx_is_reported(tmp_path, mnist_dir):
    raw = gzip.decompress((mnist_dir / "t10k-labels-idx1-ubyte.gz").read_bytes())
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(raw[:-10]))
    with pytest.raises(IDXFormatError, match="truncated: dimensions \\(10000,\\)"):
        read_idx(path)
