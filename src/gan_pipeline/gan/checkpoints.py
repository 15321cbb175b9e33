"""Resuming from the newest checkpoint that restores, whatever happened to the newer ones.

TensorFlow reports a damaged checkpoint with a bare ``IndexError`` or ``OpError`` that names no
file, and ``tf.train.latest_checkpoint`` returns nothing once the newest one is gone (so a run
started over from step 0). What TensorFlow leaves to its user, and this module does: try the
checkpoints newest first, move a damaged one aside for a post-mortem (``ckpt-400.damaged/``)
naming the file, and remove the ``<prefix>_temp/`` folders of writes that a kill interrupted.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import tensorflow as tf

log = logging.getLogger(__name__)

PREFIX = "ckpt"  # tf.train.CheckpointManager's default checkpoint_name

# What a damaged checkpoint raises on restore: a short read, a bad table, a wrong structure.
DAMAGE = (tf.errors.OpError, IndexError, ValueError, AssertionError)


def remove_partial_writes(folder: Path) -> None:
    """Delete the ``ckpt-N_temp/`` folders of checkpoint writes that never finished."""
    for partial in Path(folder).glob(f"{PREFIX}-*_temp"):
        log.warning("Removing %s, left by a checkpoint write that was interrupted", partial)
        shutil.rmtree(partial, ignore_errors=True)


def restore_newest_intact(checkpoint: tf.train.Checkpoint, folder: Path) -> str | None:
    """Restore the newest checkpoint in ``folder`` that restores completely; damaged newer ones
    are moved aside with a warning. Returns its prefix, or None when there is none."""
    for prefix in _newest_first(Path(folder)):
        try:
            checkpoint.restore(prefix).assert_existing_objects_matched()
        except DAMAGE as error:
            damaged = _damaged_file(prefix)
            aside = _move_aside(Path(prefix))
            log.warning(
                "Checkpoint file %s is damaged (%s: %s); moved %s aside to %s, trying the "
                "checkpoint before it",
                damaged,
                type(error).__name__,
                str(error).splitlines()[0] if str(error) else "",
                Path(prefix).name,
                aside,
            )
            continue
        return prefix
    return None


def _newest_first(folder: Path) -> list[str]:
    """Checkpoint prefixes by their index files, highest step first; the ``checkpoint`` state
    file is not trusted, since it still names a checkpoint that was moved or deleted."""
    steps = [
        int(match.group(1))
        for path in folder.glob(f"{PREFIX}-*.index")
        if (match := re.fullmatch(rf"{PREFIX}-(\d+)\.index", path.name))
    ]
    return [str(folder / f"{PREFIX}-{step}") for step in sorted(steps, reverse=True)]


def _damaged_file(prefix: str) -> str:
    """The index file if it cannot be read, else the data file(s) it points into."""
    try:
        tf.train.load_checkpoint(prefix)
    except DAMAGE:
        return f"{prefix}.index"
    data = sorted(Path(prefix).parent.glob(f"{Path(prefix).name}.data-*"))
    return ", ".join(str(path) for path in data)


def _move_aside(prefix: Path) -> Path:
    """Move every file of checkpoint ``prefix`` into a new ``<name>.damaged[-n]/`` folder."""
    aside = prefix.with_name(f"{prefix.name}.damaged")
    number = 1
    while aside.exists():
        number += 1
        aside = prefix.with_name(f"{prefix.name}.damaged-{number}")
    aside.mkdir()
    for part in prefix.parent.glob(f"{prefix.name}.*"):
        if part.is_file():
            shutil.move(part, aside / part.name)
    return aside
