"""Try MNIST training recipes the way a user would: one ``kedro run --params`` per candidate.

Every candidate runs data processing, training and evaluation (so it lands in MLflow like any
run), one after another (runs in one folder share data/ outputs), each with its own checkpoint
folder so no candidate resumes another's. After each run its figures are collected from
metrics.json and history.csv and appended to a JSON-lines file, so a long sweep can be read
while it runs and a killed one keeps what it finished.

Usage: python benchmarks/sweep_mnist.py NAME="k=v,k=v" [NAME=...] [--steps 1500]
Keys are relative to ``mnist.`` (``train.lr_g=4e-4``, ``model.width_d=64``).
Appends to data/08_reporting/benchmarks/sweep_mnist.jsonl and prints one line per candidate.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

REPORTS = Path("data/08_reporting/mnist")
OUT = Path("data/08_reporting/benchmarks/sweep_mnist.jsonl")


def cpu_name() -> str:
    """The CPU model and its bf16-relevant flags: figures differ between CPUs."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    lines = dict(line.split(":", 1) for line in text.splitlines() if ":" in line and line.strip())
    flags = set(lines.get("flags\t\t", lines.get("flags", "")).split())
    wanted = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags]
    name = next((v.strip() for k, v in lines.items() if k.strip() == "model name"), "?")
    return f"{name} ({' '.join(wanted)})"


def run_candidate(name: str, overrides: str, steps: int | None) -> dict:
    """One kedro run of the MNIST path with ``overrides``; its figures as a flat row."""
    params = [f"mnist.{item.strip()}" for item in overrides.split(",") if item.strip()]
    if steps:
        params.append(f"mnist.train.steps={steps}")
    params.append(f"mnist.train.checkpoint_dir=data/06_models/mnist/sweep/{name}")
    command = [
        str(Path(sys.executable).with_name("kedro")),
        "run",
        "--pipelines=data_processing,training,evaluation",
        "--namespaces=mnist",
        "--params",
        ",".join(params),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    wall = time.perf_counter() - start
    metrics = json.loads((REPORTS / "metrics.json").read_text())
    history = pd.read_csv(REPORTS / "history.csv")
    curve = history.dropna(subset=["fd"])
    batch = _batch_size(params)
    return {
        "name": name,
        "params": overrides,
        "steps": int(history["step"].iloc[-1]),
        "fd": metrics["fd"],
        "mean_max_probability": metrics.get("mean_max_probability"),
        "classifier_score": metrics.get("classifier_score"),
        "kl_to_uniform": metrics.get("kl_to_uniform"),
        "classes_covered": metrics.get("classes_covered"),
        "fd_curve": {int(s): round(v, 3) for s, v in zip(curve["step"], curve["fd"], strict=True)},
        # Pure step time (the part a recipe changes); the run's wall time adds the classifier,
        # the quality checks and the evaluation, which are the same for every candidate.
        "step_seconds": float((batch / history["img_per_s"]).sum()),
        "run_seconds": wall,
        "cpu": cpu_name(),
    }


def _batch_size(params: list[str]) -> int:
    for item in params:
        if item.startswith("mnist.train.batch_size="):
            return int(item.split("=", 1)[1])
    return 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", help='NAME="train.k=v,model.k=v"')
    parser.add_argument("--steps", type=int, default=None, help="override train.steps")
    args = parser.parse_args()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    for candidate in args.candidates:
        name, _, overrides = candidate.partition("=")
        row = run_candidate(name, overrides, args.steps)
        with OUT.open("a") as file:
            file.write(json.dumps(row) + "\n")
        last = list(row["fd_curve"].items())[-4:]
        print(
            f"SWEEP {name}: FD {row['fd']:.2f} p_max {row['mean_max_probability']:.3f} "
            f"CS {row['classifier_score']:.2f} KL {row['kl_to_uniform']:.4f} "
            f"steps {row['steps']} step_s {row['step_seconds']:.0f} curve {last}",
            flush=True,
        )


if __name__ == "__main__":
    main()
