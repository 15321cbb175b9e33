"""Step time and peak memory of the faces presets: 300x300 (conf/base) and 64x64 (conf/cpu).

Each preset runs in its own process, because TensorFlow's memory is mostly outside Python's
allocator (tracemalloc cannot see it) and the process-wide peak RSS (``ru_maxrss``) never goes
down: one process per preset gives each its own peak. Images are random, of the preset's
shape: the step does not depend on what the pixels show.

To compare options, give ``--params`` once per variant (an empty one is the preset as it is)
and ``--rounds`` > 1: the processes alternate variant by variant, round by round, so a change in
the machine's speed (these VMs drift by up to 2x) lands on every variant alike. Beside the wall
time per step, ``cpu_s`` is the process's CPU seconds per step (all threads): steadier than wall
time where other work shares the cores.

Usage: python benchmarks/faces_step.py [--envs base,cpu] [--steps 5] [--warmup 2]
       [--params "faces.train.batch_size=8" [--params ""]]   (Kedro's --params syntax)
       [--rounds 1]
Writes data/08_reporting/benchmarks/faces_step.json and prints the table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
from kedro.config import OmegaConfigLoader
from omegaconf import OmegaConf
from report import TIMING_COLUMNS, machine, print_table, run_child, save_json, time_steps

from gan_pipeline.gan.training import ModelConfig, TrainConfig, build_gan, make_dataset
from gan_pipeline.settings import CONFIG_LOADER_ARGS

PROJECT = Path(__file__).resolve().parents[1]
COLUMNS = [  # the printed table: header, result key, format
    ("env", "env", ""),
    ("size", "image_size", "d"),
    ("batch", "batch_size", "d"),
    ("precision", "precision", ""),
    *TIMING_COLUMNS,
    ("G params", "generator_params", ",d"),
    ("D params", "discriminator_params", ",d"),
    ("preset min", "preset_train_minutes", ".1f"),
    ("params", "params", ""),
]


def preset(env: str, overrides: str) -> dict:
    """The ``faces`` parameters of ``env`` exactly as ``kedro run --env <env>`` resolves them."""
    loader = OmegaConfigLoader(
        conf_source=str(PROJECT / "conf"), env=None if env == "base" else env, **CONFIG_LOADER_ARGS
    )
    params = OmegaConf.create(loader["parameters"])
    if overrides:
        params = OmegaConf.merge(params, OmegaConf.from_dotlist(overrides.split(",")))
    return OmegaConf.to_container(params)["faces"]


def measure(env: str, overrides: str, steps: int, warmup: int) -> dict:
    """Run in the child: build the preset's GAN, train ``warmup`` then ``steps`` steps."""
    faces = preset(env, overrides)
    size = faces["preprocess"]["image_size"]
    model = ModelConfig(**faces["model"])
    train = TrainConfig(**faces["train"])  # build_gan writes no checkpoints
    images = np.random.default_rng(0).uniform(-1, 1, (max(train.batch_size, 24), size, size, 3))
    dataset = make_dataset(images.astype("float32"), train.batch_size, train.seed)
    gan = build_gan((size, size, 3), model, train)
    timing = time_steps(gan, dataset, steps, warmup, train.batch_size)
    return {
        "env": env,
        "image_size": size,
        "model": asdict(model),
        "batch_size": train.batch_size,
        "precision": train.precision,
        "loss": train.loss,
        "augment": train.augment,
        "ema_decay": train.ema_decay,
        "jit_compile": train.jit_compile,
        "generator_params": gan.generator.count_params(),
        "discriminator_params": gan.discriminator.count_params(),
        **timing,
        "preset_steps": train.steps,
        "preset_train_minutes": train.steps * timing["step_s"] / 60,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", default="base,cpu", help="Kedro envs, one preset each")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--params", action="append", help="overrides, as kedro run --params; once per variant"
    )
    parser.add_argument("--rounds", type=int, default=1, help="alternations of all variants")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="data/08_reporting/benchmarks/faces_step.json")
    args = parser.parse_args()
    variants = args.params or [""]
    if args.child:
        print(json.dumps(measure(args.child, variants[0], args.steps, args.warmup)))
        return

    results = []
    for _, env, params in itertools.product(range(args.rounds), args.envs.split(","), variants):
        command = [sys.executable, __file__, "--child", env, "--steps", str(args.steps)]
        command += ["--warmup", str(args.warmup), "--params", params]
        results.append({"params": params, **run_child(command, PROJECT)})
    report = {
        **machine(),
        "steps": args.steps,
        "warmup": args.warmup,
        "rounds": args.rounds,
        "results": results,
    }
    out = save_json(report, PROJECT / args.out)
    print_table(results, COLUMNS)
    print(f"-> {out}")


if __name__ == "__main__":
    main()
