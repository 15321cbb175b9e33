"""Step time of the MNIST default and the faces 64x64 preset under Keras' TensorFlow and JAX
backends, side by side on this machine.

Each (case, backend) runs in its own process, since Keras fixes its backend at import; the
processes alternate case by case and backend by backend, round by round, so a drift in the
machine's speed lands on both backends alike. Settings come from the YAML files under conf/
(gpu_check.parameters: the MNIST default from conf/base, faces64 from conf/cpu over conf/base);
images and labels are random, of the preset's shape: the step does not depend on the pixels.
``cpu_s`` is the process's CPU seconds per step (all threads), steadier than wall time where
other work shares the cores.

Usage: python benchmarks/backend_step.py [--cases mnist,faces64] [--backends tensorflow,jax]
       [--steps 10] [--warmup 2] [--rounds 1] [--note "machine loaded by ..."]
Writes data/08_reporting/benchmarks/backend_step.json and prints the table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
from pathlib import Path

import numpy as np
from gpu_check import parameters
from report import TIMING_COLUMNS, machine, print_table, run_child, save_json, time_steps

PROJECT = Path(__file__).resolve().parents[1]
CASES = {  # name: (namespace, conf envs, image shape)
    "mnist": ("mnist", ("base",), (28, 28, 1)),
    "faces64": ("faces", ("base", "cpu"), (64, 64, 3)),
}
COLUMNS = [  # the printed table: header, result key, format
    ("case", "case", ""),
    ("backend", "backend", ""),
    ("batch", "batch_size", "d"),
    ("precision", "precision", ""),
    *TIMING_COLUMNS,
]


def measure(case: str, steps: int, warmup: int) -> dict:
    """Run in the child: build the case's GAN, train ``warmup`` then ``steps`` steps."""
    import keras  # noqa: PLC0415

    from gan_pipeline.gan.training import (  # noqa: PLC0415
        ModelConfig,
        TrainConfig,
        build_gan,
        make_dataset,
    )

    namespace, envs, shape = CASES[case]
    settings = parameters(PROJECT / "conf", envs, namespace)
    model = ModelConfig(**settings["model"])
    train = TrainConfig(**settings["train"])  # build_gan writes no checkpoints
    rng = np.random.default_rng(0)
    count = max(train.batch_size, 24)
    images = rng.uniform(-1, 1, (count, *shape)).astype("float32")
    classes = 10 if model.conditional else 0
    labels = rng.integers(0, 10, count) if classes else None
    dataset = make_dataset(images, train.batch_size, train.seed, labels)
    gan = build_gan(shape, model, train, classes)
    return {
        "case": case,
        "backend": keras.backend.backend(),
        "image_shape": list(shape),
        "batch_size": train.batch_size,
        "precision": train.precision,  # "auto" resolved by TrainConfig
        "jit_compile": train.jit_compile,
        **time_steps(gan, dataset, steps, warmup, train.batch_size),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--backends", default="tensorflow,jax")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="alternations of all runs")
    parser.add_argument("--note", default="", help="kept in the JSON: the machine's load, say")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="data/08_reporting/benchmarks/backend_step.json")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.steps, args.warmup)))
        return

    results = []
    runs = itertools.product(range(args.rounds), args.cases.split(","), args.backends.split(","))
    for _, case, backend in runs:
        command = [sys.executable, __file__, "--child", case, "--steps", str(args.steps)]
        command += ["--warmup", str(args.warmup)]
        results.append(run_child(command, PROJECT, {**os.environ, "KERAS_BACKEND": backend}))
    medians = {
        f"{case}/{backend}": statistics.median(
            r["step_s"] for r in results if (r["case"], r["backend"]) == (case, backend)
        )
        for case, backend in {(r["case"], r["backend"]) for r in results}
    }
    report = {
        **machine(),
        "note": args.note,
        "steps": args.steps,
        "warmup": args.warmup,
        "rounds": args.rounds,
        "median_step_s": medians,
        "results": results,
    }
    out = save_json(report, PROJECT / args.out)
    print_table(results, COLUMNS)
    for case in args.cases.split(","):
        tf, jax = medians.get(f"{case}/tensorflow"), medians.get(f"{case}/jax")
        if tf and jax:
            print(f"{case}: JAX step / TensorFlow step = {jax / tf:.2f} (medians)")
    print(f"-> {out}")


if __name__ == "__main__":
    main()
