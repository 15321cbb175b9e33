"""Serving the registered generator: the project's entry point (`python -m gan_pipeline.serve`)
and `mlflow models serve`: images for latents, short 400s for bad requests."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import mlflow
import numpy as np
import pytest
from commands import venv_environment
from loopback import free_port, serving, wait_for_http

from gan_pipeline import tracking
from gan_pipeline.gan.architecture import build_generator
from gan_pipeline.serving import MAX_OUTPUT_VALUES


def post(url: str, body: str) -> tuple[int, dict]:
    status, answer = post_bytes(url, body.encode())
    return status, json.loads(answer)


def post_bytes(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def post_announced(port: int, size: int) -> tuple[int, bytes]:
    """POST headers announcing a ``size``-byte body with `Expect: 100-continue`, as curl does
    for large bodies: a server that refuses the size answers before any of it is sent (a
    client that sends anyway races the server's close and may see a broken pipe instead)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("POST", "/invocations")
    for header, value in {
        "Content-Type": "application/json",
        "Content-Length": str(size),
        "Expect": "100-continue",
    }.items():
        connection.putheader(header, value)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def server_environment(uri: str) -> dict[str, str]:
    # Earlier tests' fluent MLflow calls export MLFLOW_* settings of other stores: drop them.
    return {
        **{k: v for k, v in venv_environment().items() if not k.startswith("MLFLOW_")},
        "MLFLOW_TRACKING_URI": uri,
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


@pytest.fixture
def registered(tmp_path):
    """A store with a tiny MNIST generator registered as mnist-generator version 1, @best;
    returns its tracking URI and the generator."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = mlflow.MlflowClient(uri)
    run = client.create_run(tracking.connect(uri, "serving-test"))
    mlflow.set_tracking_uri(uri)
    generator = build_generator((28, 28, 1), latent_dim=8, width=8)
    # The calls the tracking hook makes at the end of a training run.
    version = tracking.log_generator(run.info.run_id, generator, "mnist-generator", step=4)
    tracking.promote_if_best(client, "mnist-generator", version, fd=10.0)
    return uri, generator


def test_serve_without_a_registered_model_stops_with_one_line(tmp_path):
    """No store yet (a fresh clone), and a store without the model (after `--env test`)."""
    present = f"sqlite:///{tmp_path / 'mlflow.db'}"
    tracking.connect(present, "gan-pipeline-test")
    for uri in (f"sqlite:///{tmp_path / 'missing.db'}", present):
        served = subprocess.run(
            [sys.executable, "-m", "gan_pipeline.serve", "--port", str(free_port())],
            env=server_environment(uri),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert served.returncode == 1
        (line,) = served.stderr.strip().splitlines()
        assert f"No model models:/mnist-generator@best in the MLflow store {uri}" in line
        assert "`kedro run` trains the generator, registers it and sets @best" in line
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.slow
def test_the_project_server_answers_in_short_lines_and_never_quotes_the_request(
    tmp_path, registered
):
    uri, generator = registered
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gan_pipeline.serve", "--port", str(port)]
    with serving(command, f"{base}/ping", tmp_path / "serve.log", 240, env=server_environment(uri)):
        latents = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
        expected = generator.predict(latents, verbose=0)
        for request in (
            {"inputs": latents.tolist()},
            {"dataframe_split": {"columns": list(range(8)), "data": latents.tolist()}},
        ):
            status, body = post(f"{base}/invocations", json.dumps(request))
            assert status == 200, body
            images = np.asarray(body["predictions"], dtype=np.float32)
            np.testing.assert_allclose(images, expected, atol=1e-5)
        assert urllib.request.urlopen(f"{base}/health", timeout=10).status == 200

        unterminated = b'{"inputs": [[' + b"0.5, " * 199_997 + b"0."  # 1,000,000 bytes, no end
        assert len(unterminated) == 1_000_000
        refusals = {
            unterminated: "not valid JSON",
            b"": "not valid JSON",
            b"{not json": "not valid JSON",
            b"\xff\xfe": "not valid JSON",
            b"[[0.5]]": "one of the keys dataframe_records, dataframe_split, inputs, instances",
            json.dumps(
                {"inputs": [[0.5, 0.25, 0.125]] * 4}
            ).encode(): "got an array of shape (4, 3)",
            json.dumps({"inputs": [[float("nan")] + [0.5] * 7]}).encode(): "must be finite",
        }
        for request, message in refusals.items():
            status, answer = post_bytes(f"{base}/invocations", request)
            assert status == 400, (message, status)
            assert len(answer) < 400, answer[:400]
            body = json.loads(answer)
            assert message in body["message"] and "\n" not in body["message"]
            assert request[:20] not in answer or not request  # the request is not quoted

        status, answer = post_announced(port, 2**20 + 1)
        assert status == 413 and b"over 1048576 bytes" in answer


@pytest.mark.slow
def test_served_generator_returns_images_and_refuses_bad_requests(tmp_path, registered):
    uri, generator = registered
    port = free_port()
    log = tmp_path / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "models", "serve", "-m", "models:/mnist-generator/latest"]
        + ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
        env=server_environment(uri),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/ping", server, timeout_s=240, log=log)

        latents = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
        status, body = post(f"{base}/invocations", json.dumps({"inputs": latents.tolist()}))
        assert status == 200
        images = np.asarray(body["predictions"], dtype=np.float32)
        assert images.shape == (3, 28, 28, 1)
        np.testing.assert_allclose(images, generator.predict(latents, verbose=0), atol=1e-5)

        too_many = MAX_OUTPUT_VALUES // (28 * 28) + 1
        bad_requests = {
            "numbers each, shape (N, 8); got an array of shape (4, 3)": [[0.5, 0.25, 0.125]] * 4,
            "Latent vectors must be numbers": [["abc"] * 8],
            f"between 1 and {too_many - 1} latent vectors per request": [[0.5] * 8] * too_many,
            "must be finite numbers": [[float("nan")] + [0.5] * 7],
        }
        for message, inputs in bad_requests.items():
            status, body = post(f"{base}/invocations", json.dumps({"inputs": inputs}))
            assert status == 400, (message, status)
            assert message in body["message"], body["message"][-500:]
            assert "Traceback" not in json.dumps(body)
            # MLflow's server puts numpy's summary of the input first; never the whole body.
            assert len(body["message"]) < 1000, body["message"][:1000]
        status, body = post(f"{base}/invocations", "{not json")
        assert status == 400 and "valid JSON" in body["message"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert server.returncode is not None
