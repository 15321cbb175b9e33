"""The benchmark scripts run as a user runs them: in their own Python process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest


@pytest.fixture
def python() -> Callable[..., subprocess.CompletedProcess]:
    """``python(args, **env)`` runs ``python ARGS`` with ``env`` added to this environment and
    returns the finished process; a non-zero exit fails the test with the tail of its stderr."""

    def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, *args],
            check=False,
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=900,
        )
        assert done.returncode == 0, done.stderr[-4000:]
        return done

    return run
