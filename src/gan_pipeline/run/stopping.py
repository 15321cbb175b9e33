"""SIGTERM as a quick stop that says what it did and leaves a resumable run.

The handler raises ``Terminated`` (a ``SystemExit`` with status 143) in the main thread, so the
stack unwinds: the training loop logs the step it reached and its last checkpoint
(``gan/training.py``), and the exit handlers mark the MLflow run KILLED and free the training lock.
Python then tears TensorFlow down, which took 2-8 s on 2 busy cores after everything that
matters was done; the last exit handler skips that teardown after a SIGTERM.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import sys


class Terminated(SystemExit):
    """A SIGTERM, raised where the main thread was; the process exits with 128 + 15."""


def stop_on_sigterm() -> None:
    """Make SIGTERM raise ``Terminated``, unless something else already handles it."""
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_terminated)


_received: list[int] = []  # the signal, once it came


def _raise_terminated(signum: int, frame) -> None:
    _received.append(signum)
    raise Terminated(128 + signum)


def _exit_now_if_terminated() -> None:
    """Registered on import, before any run registers its own exit handlers, so it runs after
    them (atexit runs the last registered first)."""
    if _received:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + _received[0])


atexit.register(_exit_now_if_terminated)
