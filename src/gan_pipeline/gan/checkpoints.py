"""Resuming from the newest checkpoint that restores, whatever happened to the newer ones.

A damaged checkpoint fails to restore with an error that often names no file (TensorFlow's
bare ``IndexError`` or ``OpError``, h5py's ``OSError``), and a run that gave up on it would
start over from step 0. What the frameworks leave to their user, and this module does for
either backend's format (``engine_tf``, ``engine_jax``): try the checkpoints newest first, move
a damaged one aside for a post-mortem (``ckpt-400.damaged/``) naming the file, and remove what
writes that a kill interrupted left behind.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "ckpt"  # every checkpoint is <folder>/ckpt-<step> plus a suffix of its format


def remove_partial_writes(folder: Path) -> None:
    """Delete the ``ckpt-N_temp*`` files and folders of checkpoint writes that never finished."""
    for partial in Path(folder).glob(f"{PREFIX}-*_temp*"):
        log.warning("Removing %s, left by a checkpoint write that was interrupted", partial)
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


def newest_first(folder: Path, suffix: str) -> list[str]:
    """Checkpoint prefixes by their ``ckpt-<step><suffix>`` files, highest step first (what
    a framework's own list of checkpoints says is not trusted: it still names a checkpoint
    that was moved or deleted)."""
    pattern = re.compile(rf"{PREFIX}-(\d+){re.escape(suffix)}")
    steps = [
        int(match.group(1))
        for path in Path(folder).glob(f"{PREFIX}-*{suffix}")
        if (match := pattern.fullmatch(path.name))
    ]
    return [str(Path(folder) / f"{PREFIX}-{step}") for step in sorted(steps, reverse=True)]


def restore_newest_intact(
    prefixes: Sequence[str],
    restore: Callable[[str], object],
    damage: tuple[type[Exception], ...],
    damaged_file: Callable[[str], str],
) -> str | None:
    """Restore the first of ``prefixes`` (newest first) that ``restore`` takes without one of
    the ``damage`` errors; damaged newer ones are moved aside with a warning that names the
    file ``damaged_file`` blames. Returns its prefix, or None when there is none."""
    for prefix in prefixes:
        try:
            restore(prefix)
        except damage as error:
            damaged = damaged_file(prefix)
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
