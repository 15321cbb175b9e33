"""One training per checkpoint folder at a time: a lock file holding the holder's pid and host.

The kernel's ``flock`` (through ``zc.lockfile``, DVC's own lock) does the locking, so a holder
killed with ``kill -9`` never blocks the next run. What ``zc.lockfile`` leaves to its user, and
this module adds: the holder named in the refusal, and a lock left behind by a dead process
reported when taken over (a released lock is emptied; a non-empty free one is stale).
"""

from __future__ import annotations

import logging
from pathlib import Path

import zc.lockfile

from gan_pipeline.errors import ExpectedError

log = logging.getLogger(__name__)

LOCK_NAME = "training.lock"


class TrainingRunningError(ExpectedError, RuntimeError):
    """Another process trains into the same checkpoint folder."""


class TrainingLock:
    """Held from ``acquire`` to ``release``: ``<folder>/training.lock`` with "pid host" in it."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / LOCK_NAME
        self._lock: zc.lockfile.LockFile | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        left = self._holder()
        try:
            self._lock = zc.lockfile.LockFile(str(self.path), "pid={pid} host={hostname}")
        except zc.lockfile.LockError:
            raise TrainingRunningError(
                f"another training is running into {self.path.parent} ({self._holder() or left}, "
                f"lock file {self.path}). Wait for it to finish, or give this run its own "
                "train.checkpoint_dir or run it with `dvc exp run --queue` (docs/reliability.md)."
            ) from None
        if left:
            log.warning(
                "Took over the lock %s left by a process that no longer runs (%s)", self.path, left
            )

    def release(self) -> None:
        if self._lock is not None:
            self.path.write_text("")  # still held: no one else reads a half-cleared file
            self._lock.close()
            self._lock = None

    def _holder(self) -> str:
        try:
            return self.path.read_text().strip()
        except FileNotFoundError:
            return ""
