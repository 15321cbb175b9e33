"""Writing training state so that a kill at any moment leaves the last complete file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

# The training record beside the checkpoints, rewritten at every checkpoint (callbacks.py); the
# tracking hook reads them while a training runs.
HISTORY_FILE = "history.csv"
GRIDS_FILE = "grids.npz"
PROGRESS_FILE = "progress.json"


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write that replaces ``path`` only once it is complete."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as file:
        yield file
    os.replace(partial, path)
