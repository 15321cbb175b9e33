"""Try training recipes the way a user would: one ``kedro run --params`` per candidate.

Every candidate runs data processing, training and evaluation of one dataset (so it lands in
MLflow like any run), one after another (runs in one folder share data/ outputs), each with its
own checkpoint folder so no candidate resumes another's. After each run its figures are
collected from metrics.json, quality.csv and speed.csv and appended to a JSON-lines file, so a
long sweep can be read while it runs and a killed one keeps what it finished.

Usage: python benchmarks/sweep.py [--dataset mnist|faces] [--env cpu] [--steps N]
           NAME="k=v,k=v" [NAME=...]
Keys are relative to the dataset (``train.lr_g=4e-4``, ``model.width_d=64``).
Appends to data/08_reporting/benchmarks/sweep_<dataset>.jsonl, one line per candidate.
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
import yaml

# The figures a sweep line shows per dataset (all of metrics.json goes to the file).
SHOWN = {
    "mnist": ("fd", "mean_max_probability", "classifier_score", "kl_to_uniform"),
    "faces": ("kid_mean", "sharpness_ratio", "memorised_share", "diversity_ssim"),
}
CURVE = {"mnist": "fd", "faces": "kid"}  # the in-training curve to summarise


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


def run_candidate(dataset: str, env: str | None, name: str, overrides: str, steps: int | None):
    """One kedro run of ``dataset``'s path with ``overrides``; its figures as a flat row."""
    params = [f"{dataset}.{item.strip()}" for item in overrides.split(",") if item.strip()]
    if steps:
        params.append(f"{dataset}.train.steps={steps}")
    params.append(f"{dataset}.train.checkpoint_dir=data/06_models/{dataset}/sweep/{name}")
    command = [
        str(Path(sys.executable).with_name("kedro")),
        "run",
        *([f"--env={env}"] if env else []),
        "--pipelines=data_processing,training,evaluation",
        f"--namespaces={dataset}",
        "--params",
        ",".join(params),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    wall = time.perf_counter() - start
    reports = Path("data/08_reporting") / dataset
    metrics = json.loads((reports / "metrics.json").read_text())
    quality = pd.read_csv(reports / "quality.csv")
    speed = pd.read_csv(reports / "speed.csv")
    curves = {
        column: {int(s): round(v, 4) for s, v in quality[["step", column]].dropna().values}
        for column in ("fd", "kid", "sharpness")
        if column in quality
    }
    return {
        "name": name,
        "dataset": dataset,
        "env": env,
        "params": overrides,
        "steps": int(speed["step"].iloc[-1]),
        "metrics": metrics,
        "curves": curves,
        # Pure step time (the part a recipe changes); the run's wall time adds the feature
        # network, the quality checks and the evaluation, the same for every candidate.
        "step_seconds": float((_batch_size(dataset, env, params) / speed["img_per_s"]).sum()),
        "run_seconds": wall,
        "cpu": cpu_name(),
    }


def _batch_size(dataset: str, env: str | None, params: list[str]) -> int:
    """The run's batch size: an override, else the env's preset, else conf/base."""
    for item in params:
        if item.startswith(f"{dataset}.train.batch_size="):
            return int(item.split("=", 1)[1])
    for conf in ([f"conf/{env}/parameters.yml"] if env else []) + [
        "conf/base/parameters_training.yml"
    ]:
        train = (yaml.safe_load(Path(conf).read_text()) or {}).get(dataset, {}).get("train", {})
        if "batch_size" in train:
            return int(train["batch_size"])
    raise ValueError(f"no batch_size for {dataset} in conf/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", help='NAME="train.k=v,model.k=v"')
    parser.add_argument("--dataset", choices=sorted(SHOWN), default="mnist")
    parser.add_argument("--env", default=None, help="Kedro env (faces: cpu for the 64x64 preset)")
    parser.add_argument("--steps", type=int, default=None, help="override train.steps")
    args = parser.parse_args()
    out = Path(f"data/08_reporting/benchmarks/sweep_{args.dataset}.jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    for candidate in args.candidates:
        name, _, overrides = candidate.partition("=")
        row = run_candidate(args.dataset, args.env, name, overrides, args.steps)
        with out.open("a") as file:
            file.write(json.dumps(row) + "\n")
        metrics = row["metrics"]
        shown = " ".join(f"{k} {metrics.get(k, float('nan')):.4g}" for k in SHOWN[args.dataset])
        last = list(row["curves"].get(CURVE[args.dataset], {}).items())[-4:]
        print(
            f"SWEEP {name}: {shown} steps {row['steps']} run_s {row['run_seconds']:.0f} "
            f"curve {last}",
            flush=True,
        )


if __name__ == "__main__":
    main()
