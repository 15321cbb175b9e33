"""Helpers for tests that start real servers on 127.0.0.1 (importable: `pythonpath = tests`)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request


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


def wait_for_http(url: str, server: subprocess.Popen, timeout_s: float) -> None:
    """Poll ``url`` until it answers 200; fail if ``server`` exits or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        assert server.poll() is None, f"the server exited before answering {url}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            assert time.monotonic() < deadline, f"no answer from {url} within {timeout_s} s"
            time.sleep(0.5)
