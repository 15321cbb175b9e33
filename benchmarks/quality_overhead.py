"""Cost of the in-training quality monitor (FD, KID, coverage every N steps), default MNIST.

Trains the default MNIST model (conf/base) for ``--steps`` steps without and with the monitor,
alternating, and reads the per-step times from the training history (the record times each step
including the callbacks that ran at its end, so an evaluation's cost lands in its step). The
monitor evaluates every ``--every`` steps (denser than the default, to get several evaluations in
a short run); the cost at the configured interval is projected from the measured per-evaluation
cost. The feature network is the default classifier architecture, untrained: its forward pass
costs the same as the trained one's.

Usage: python benchmarks/quality_overhead.py [--steps 200] [--every 50] [--repeats 2]
Writes data/08_reporting/benchmarks/quality_overhead.json and prints the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

import numpy as np
import yaml
from recipes import mnist_data
from report import write_report

from gan_pipeline.gan.quality import QualityConfig, QualityMonitor
from gan_pipeline.gan.training import ModelConfig, TrainConfig, run_directory, train
from gan_pipeline.metrics.classifier import build_classifier

CONF = Path(__file__).resolve().parents[1] / "conf/base"
WARM_UP = 5  # first steps: tracing and cache filling


def step_seconds(history, batch_size: int) -> np.ndarray:
    return batch_size / history["img_per_s"].to_numpy()[WARM_UP:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    training = yaml.safe_load((CONF / "parameters_training.yml").read_text())["mnist"]
    evaluation = yaml.safe_load((CONF / "parameters_evaluation.yml").read_text())["mnist"]
    defaults = evaluation["evaluation"]["during_training"]
    images, labels = mnist_data()
    model = ModelConfig(**training["model"])
    _, extractor = build_classifier(
        images.shape[1:], 10, evaluation["evaluation"]["classifier"]["feature_dims"]
    )

    plain, monitored, evaluation_steps = [], [], []
    for _ in range(args.repeats):
        for with_monitor in (False, True):
            with tempfile.TemporaryDirectory() as folder:
                config = TrainConfig(
                    **{
                        **training["train"],
                        "steps": args.steps,
                        "checkpoint_every": args.steps,
                        "checkpoint_dir": folder,
                        "verbose": 0,
                    }
                )
                callbacks = []
                if with_monitor:
                    quality = QualityConfig(**{**defaults, "every": args.every})
                    state = run_directory(model, config, images, labels)
                    callbacks = [QualityMonitor(extractor, images, state, quality)]
                history = train(images, model, config, callbacks, labels).history
            seconds = step_seconds(history, config.batch_size)
            if with_monitor:
                monitored.extend(seconds)
                due = history["fd"].notna().to_numpy()[WARM_UP:]
                evaluation_steps.extend(seconds[due])
            else:
                plain.extend(seconds)

    plain_step = statistics.median(plain)
    per_evaluation = statistics.mean(evaluation_steps) - plain_step
    result = {
        "steps": args.steps,
        "repeats": args.repeats,
        "every_measured": args.every,
        "every_default": defaults["every"],
        "samples": defaults["samples"],
        "plain_step_s": plain_step,
        "plain_mean_step_s": statistics.mean(plain),
        "monitored_mean_step_s": statistics.mean(monitored),
        "ratio_measured": statistics.mean(monitored) / statistics.mean(plain),
        "evaluation_s": per_evaluation,
        "overhead_at_default_every": per_evaluation / (defaults["every"] * plain_step),
        "load_average_1min": os.getloadavg()[0],
    }
    write_report(result, "quality_overhead")


if __name__ == "__main__":
    main()
