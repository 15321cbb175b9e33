"""The browser tools a user starts from the project root: `kedro viz run` and `make jupyter`
(`kedro jupyter lab`), each on 127.0.0.1 from a fresh copy of the project, stopped by pid."""

from __future__ import annotations

import json
import random
import socket
import time
import urllib.request

import pytest
from commands import BIN, venv_environment
from kedro.framework.project import pipelines
from kedro.framework.startup import bootstrap_project
from loopback import free_port, serving

pytestmark = pytest.mark.slow


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def port_closed(port: int, timeout_s: float = 15) -> bool:
    """Whether nothing answers on ``port`` within ``timeout_s`` (the server's children end)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        time.sleep(0.5)
    return False


def free_registered_port() -> int:
    """A free port below 49152: kedro-viz refuses ports of the dynamic range, where the OS's
    (and so `free_port`'s) come from."""
    for port in random.sample(range(20000, 49152), 100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port between 20000 and 49151")


def test_kedro_viz_serves_every_registered_pipeline(project_copy, tmp_path):
    bootstrap_project(project_copy)
    expected = {
        name: {node.name for node in pipeline.nodes} for name, pipeline in pipelines.items()
    }
    port = free_registered_port()
    root = f"http://127.0.0.1:{port}"
    command = [str(BIN / "kedro"), "viz", "run", "--no-browser", "--host", "127.0.0.1"]
    with serving(
        [*command, "--port", str(port)],
        f"{root}/api/main",
        tmp_path / "viz.log",
        timeout_s=180,
        cwd=project_copy,
        env=venv_environment(),
    ):
        main = get_json(f"{root}/api/main")
        assert {entry["id"] for entry in main["pipelines"]} == set(expected)
        shown = {name: get_json(f"{root}/api/pipelines/{name}")["nodes"] for name in expected}
    assert port_closed(port), "kedro viz still answers after its process group was stopped"

    for name, nodes in shown.items():
        tasks = {node["full_name"] for node in nodes if node["type"] == "task"}
        assert tasks == expected[name], name
    everything = [node for nodes in shown.values() for node in nodes]
    assert {"mnist", "faces"} <= {
        ns for node in everything for ns in node["modular_pipelines"] or []
    }
    assert {"data", "parameters"} <= {node["type"] for node in everything}


def test_make_jupyter_starts_kedro_jupyter_lab_with_the_kedro_kernel(project_copy, tmp_path):
    port, token = free_port(), "gan-pipeline-test"
    environment = venv_environment()
    # The kernel spec `kedro jupyter` installs, and Jupyter's runtime files, go here, not ~/.
    environment["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter")
    environment["JUPYTER_CONFIG_DIR"] = str(tmp_path / "jupyter-config")
    # `make jupyter` with this .venv (-o: never reinstall it): as root, the Makefile must add
    # --allow-root, or Jupyter exits.
    venv = BIN.parent
    command = ["make", "jupyter", f"VENV={venv}", "-o", str(venv / ".installed")]
    options = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    root = f"http://127.0.0.1:{port}"
    with serving(
        [*command, f"JUPYTER_ARGS={options}"],
        f"{root}/api",
        tmp_path / "lab.log",
        timeout_s=120,
        cwd=project_copy,
        env=environment,
    ):
        specs = get_json(f"{root}/api/kernelspecs?token={token}")
    assert port_closed(port), "Jupyter still answers after its process group was stopped"
    assert specs["default"] == "kedro_gan_pipeline"
    argv = specs["kernelspecs"]["kedro_gan_pipeline"]["spec"]["argv"]
    assert argv[-2:] == ["--ext", "kedro.ipython"]  # the kernel loads catalog, context, ...
