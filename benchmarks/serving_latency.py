"""Latency of the project's server (``python -m gan_pipeline.serve``) beside ``mlflow models
serve --env-manager local``, both serving the same registered generator on 127.0.0.1.

Each server is started alone, warmed up with a few requests, then ``--clients`` threads send
``--requests`` POST /invocations in all, ``--vectors`` latent vectors each ({"inputs": ...});
reported per server: p50 and p99 latency, requests/s and errors. Without ``--model-uri`` a
generator of the default MNIST size (unconditional and untrained: neither changes the cost
much) is registered in a temporary store; with it, the model at that URI in
MLFLOW_TRACKING_URI is used.

Usage: python benchmarks/serving_latency.py [--requests 400] [--clients 8] [--vectors 4]
Writes data/08_reporting/benchmarks/serving_latency.json and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from report import write_report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from loopback import free_port, serving  # noqa: E402  (the tests' loopback helpers)


def register_default_generator(store: Path) -> str:
    """A default-size MNIST generator registered as mnist-generator@best in ``store``."""
    import mlflow  # noqa: PLC0415 - after the servers' environment is fixed

    from gan_pipeline import tracking  # noqa: PLC0415
    from gan_pipeline.gan.architecture import build_generator  # noqa: PLC0415

    uri = f"sqlite:///{store / 'mlflow.db'}"
    client = mlflow.MlflowClient(uri)
    run = client.create_run(tracking.connect(uri, "serving-latency"))
    mlflow.set_tracking_uri(uri)
    generator = build_generator((28, 28, 1), latent_dim=100, width=32)
    version = tracking.log_generator(run.info.run_id, generator, "mnist-generator", step=0)
    tracking.promote_if_best(client, "mnist-generator", version, fd=0.0)
    client.set_terminated(run.info.run_id)
    return uri


def measure(url: str, bodies: list[bytes], clients: int) -> dict[str, float]:
    """Send ``bodies`` from ``clients`` threads; latency percentiles in ms, requests/s."""

    def send(body: bytes) -> tuple[float, bool]:
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                ok = response.status == 200 and b"predictions" in response.read()
        except (urllib.error.URLError, OSError):
            ok = False
        return time.perf_counter() - started, ok

    for body in bodies[:clients]:  # warm-up: the first predictions trace the model
        send(body)
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(send, bodies))
    wall = time.perf_counter() - started
    seconds = np.array([s for s, _ in results])
    return {
        "p50_ms": float(np.percentile(seconds, 50) * 1000),
        "p99_ms": float(np.percentile(seconds, 99) * 1000),
        "requests_per_s": len(bodies) / wall,
        "errors": sum(not ok for _, ok in results),
    }


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--vectors", type=int, default=4)
    parser.add_argument("--model-uri", default=None)
    args = parser.parse_args()

    bin_folder = Path(sys.executable).parent
    environment = {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}
    environment |= {"TF_CPP_MIN_LOG_LEVEL": "2", "MLFLOW_DISABLE_TELEMETRY": "true"}
    rng = np.random.default_rng(0)
    bodies = [
        json.dumps({"inputs": rng.standard_normal((args.vectors, 100)).tolist()}).encode()
        for _ in range(args.requests)
    ]
    result: dict[str, float | int | str] = {
        "cpu": cpu_name(),
        "cores": os.cpu_count() or 0,
        "load_average_1min_at_start": os.getloadavg()[0],
        "requests": args.requests,
        "clients": args.clients,
        "vectors_per_request": args.vectors,
    }
    with tempfile.TemporaryDirectory() as scratch:
        model_uri = args.model_uri or "models:/mnist-generator@best"
        if args.model_uri is None:
            environment["MLFLOW_TRACKING_URI"] = register_default_generator(Path(scratch))
        servers = {
            "project": [sys.executable, "-m", "gan_pipeline.serve", "--model-uri", model_uri],
            "mlflow": [sys.executable, "-m", "mlflow", "models", "serve", "-m", model_uri]
            + ["--env-manager", "local", "-h", "127.0.0.1"],
        }
        for name, command in servers.items():
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log = Path(scratch) / f"{name}.log"
            command += ["--port" if name == "project" else "-p", str(port)]
            with serving(command, f"{base}/ping", log, 300, env=environment):
                figures = measure(f"{base}/invocations", bodies, args.clients)
            result |= {f"{name}_{key}": value for key, value in figures.items()}
    write_report(result, "serving_latency")


if __name__ == "__main__":
    main()
