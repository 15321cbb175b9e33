"""`mlflow models serve` of the registered generator: images for latents, 400s for bad requests."""

from __future__ import annotations

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
from loopback import free_port, wait_for_http

from gan_pipeline import tracking
from gan_pipeline.gan.architecture import build_generator
from gan_pipeline.serving import MAX_OUTPUT_VALUES


def post(url: str, body: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.slow
def test_served_generator_returns_images_and_refuses_bad_requests(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    run = mlflow.MlflowClient(uri).create_run(tracking.connect(uri, "serving-test"))
    mlflow.set_tracking_uri(uri)
    generator = build_generator((28, 28, 1), latent_dim=8, width=8)
    # The call the tracking hook makes at the end of a training run.
    tracking.log_generator(run.info.run_id, generator, "mnist-generator", step=4)

    port = free_port()
    log = tmp_path / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "models", "serve", "-m", "models:/mnist-generator/latest"]
        + ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
        # Earlier tests' fluent MLflow calls export MLFLOW_* settings of other stores: drop them.
        env={
            **{k: v for k, v in venv_environment().items() if not k.startswith("MLFLOW_")},
            "MLFLOW_TRACKING_URI": uri,
            "TF_CPP_MIN_LOG_LEVEL": "2",
        },
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
