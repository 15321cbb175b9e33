"""Writing training state so that a kill at any moment leaves the last complete file."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
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


@contextlib.contextmanager
def writable_state_dir(state_dir: Path, chief: bool) -> Iterator[Path]:
    """The chief writes to ``state_dir``; other workers take part in saving (collectives need
    every worker) but into a scratch folder that is removed afterwards (TF's documented pattern).
    """
    if chief:
        yield state_dir
        return
    scratch = Path(tempfile.mkdtemp(prefix="gan-worker-state-"))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
