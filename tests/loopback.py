"""Helpers for tests that start real servers on 127.0.0.1 (importable: `pythonpath = tests`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def free_ports(count: int = 1) -> list[int]:
    """Ports free on 127.0.0.1 now (held together while chosen, so they differ)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for each in sockets:
            each.bind(("127.0.0.1", 0))
        return [each.getsockname()[1] for each in sockets]
    finally:
        for each in sockets:
            each.close()


def free_port() -> int:
    return free_ports(1)[0]


def wait_for_http(url: str, server: subprocess.Popen, timeout_s: float, log: Path) -> None:
    """Poll ``url`` until it answers 200; fail if ``server`` exits or ``timeout_s`` passes,
    quoting the end of the server's ``log`` so the failure says why."""
    deadline = time.monotonic() + timeout_s
    while True:
        if server.poll() is not None:
            raise AssertionError(f"the server exited before answering {url}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError as error:
            if time.monotonic() > deadline:
                message = f"no answer from {url} in {timeout_s} s:\n{tail(log)}"
                raise AssertionError(message) from error
            time.sleep(0.5)


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def serving(
    command: list[str], url: str, log: Path, timeout_s: float, **popen
) -> Iterator[subprocess.Popen]:
    """Run ``command`` (``popen``: cwd, env) until ``url`` answers, then stop it on exit.

    It runs in a process group of its own, and the whole group is stopped: `kedro viz run` and
    `kedro jupyter lab` serve from children that outlive their parent and would keep the port.
    """
    with log.open("w") as output:
        server = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, **popen
        )
    try:
        wait_for_http(url, server, timeout_s, log)
        yield server
    finally:
        with suppress(ProcessLookupError):  # the whole group has exited already
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
