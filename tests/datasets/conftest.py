"""Fixtures of the dataset tests."""

import functools
import http.server
import shutil
import threading

import pytest


@pytest.fixture
def mirror(mnist_dir, tmp_path):
    """A real HTTP server on 127.0.0.1 that serves the official t10k files."""
    served = tmp_path / "mirror"
    shutil.copytree(mnist_dir, served)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
