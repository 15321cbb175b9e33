"""Training time of MNIST recipes side by side: same process, same load, rounds interleaved.

Each candidate is conf/base's MNIST recipe with overrides (keys relative to ``mnist.``, as in
``kedro run --params``). Every candidate's GAN is built once and traced by a warm-up round; then
the candidates take turns, one timed round of ``--steps`` steps each through ``fit`` with the
project's per-step callbacks, so a change in machine load hits all of them alike. Reported per
candidate: median step time, images/s, and the projected time of its configured ``train.steps``
(the figure a recipe must not raise), and each candidate's ratio to the first.

Usage: python benchmarks/recipe_throughput.py NAME="train.k=v,model.k=v" [NAME=...]
       [--steps 50] [--repeats 5]
Writes data/08_reporting/benchmarks/recipe_throughput.json and prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from recipes import mnist_data, mnist_recipe
from report import write_report

from gan_pipeline.gan.callbacks import NonFiniteLossGuard, TrainingRecord
from gan_pipeline.gan.conditional import class_count
from gan_pipeline.gan.training import build_gan, make_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", help='NAME="train.k=v,model.k=v"')
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    images, labels = mnist_data()
    runs = []
    with tempfile.TemporaryDirectory() as state:
        for candidate in args.candidates:
            name, _, overrides = candidate.partition("=")
            model, train = mnist_recipe(overrides)
            classes = class_count(model, labels, len(images))
            gan = build_gan(images.shape[1:], model, train, classes)
            record = TrainingRecord(Path(state), np.zeros((1, model.latent_dim), "float32"), 1)
            callbacks = [record, NonFiniteLossGuard(Path(state))]
            data = make_dataset(images, train.batch_size, train.seed, labels if classes else None)
            runs.append({"name": name, "train": train, "gan": gan, "data": data, "seconds": []})
            runs[-1]["fit"] = lambda gan=gan, data=data, callbacks=callbacks: gan.fit(
                data, steps_per_epoch=args.steps, epochs=1, callbacks=callbacks, verbose=0
            )
            runs[-1]["fit"]()  # warm-up: tracing
        for _ in range(args.repeats):
            for run in runs:
                start = time.perf_counter()
                run["fit"]()
                run["seconds"].append((time.perf_counter() - start) / args.steps)
    result: dict[str, float | str] = {"steps_per_round": args.steps, "repeats": args.repeats}
    first = None
    for run in runs:
        step = statistics.median(run["seconds"])
        projected = step * run["train"].steps
        first = first or projected
        result |= {
            f"{run['name']}_step_ms": 1000 * step,
            f"{run['name']}_images_per_s": run["train"].batch_size / step,
            f"{run['name']}_projected_training_s": projected,
            f"{run['name']}_time_ratio_to_{runs[0]['name']}": projected / first,
        }
    write_report(result, "recipe_throughput")


if __name__ == "__main__":
    main()
