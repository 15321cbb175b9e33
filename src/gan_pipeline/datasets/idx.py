"""Reader for the IDX format MNIST is published in (http://yann.lecun.com/exdb/mnist/).

Written by hand: no maintained library parses IDX with validation (the ``idx2numpy`` package
is unmaintained and checks nothing), and the format is a 4-byte magic, big-endian int32
dimensions, then the raw array.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from gan_pipeline.errors import ExpectedError

# Third magic byte -> element type, from the format's definition.
IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXFormatError(ExpectedError, ValueError):
    """An IDX file is malformed; the message names the file and what is wrong."""


def read_idx(path: str | Path) -> np.ndarray:
    """Parse an IDX file (``.gz`` or plain), checking magic, dimensions and size."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            raw = stream.read()
    except (OSError, EOFError) as error:  # gzip raises these for truncated or non-gzip files
        raise IDXFormatError(f"{path}: cannot read ({error})") from error
    return parse_idx(raw, path)


def parse_idx(raw: bytes, source: str | Path = "<bytes>") -> np.ndarray:
    if len(raw) < 4:
        raise IDXFormatError(f"{source}: {len(raw)} bytes is too short for an IDX header")
    zero, type_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or type_code not in IDX_TYPES or ndim == 0:
        raise IDXFormatError(
            f"{source}: bad magic number 0x{raw[:4].hex()} (expected 0x0000 + type byte "
            f"{sorted(hex(t) for t in IDX_TYPES)} + a non-zero dimension count)"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXFormatError(f"{source}: header declares {ndim} dimensions but the file ends first")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = IDX_TYPES[type_code]
    expected = int(np.prod(shape)) * dtype.itemsize
    actual = len(raw) - header
    if actual != expected:
        state = "truncated" if actual < expected else "has trailing bytes"
        raise IDXFormatError(
            f"{source}: {state}: dimensions {shape} need {expected} data bytes, found {actual}"
        )
    return (
        np.frombuffer(raw, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )
