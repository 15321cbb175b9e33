"""Does ``mixed_bfloat16`` training reach fp32's quality at equal steps? Measured, not assumed.

Trains conf/base's MNIST recipe for the same number of steps in fp32 and in mixed_bfloat16
(same seed, same data; the end-of-run learning-rate decay off, as the runs are short), scores
both with the in-training quality monitor (FD/KID/coverage on the classifier's features, the
numbers the evaluation pipeline reports) and times them.

Usage: python benchmarks/bf16_quality.py [--steps 250] [--classifier PATH]
(default: data/06_models/mnist/classifier.h5 from a default `kedro run`).
Writes data/08_reporting/benchmarks/bf16_quality.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import keras
from recipes import mnist_data, mnist_recipe
from report import save_json

from gan_pipeline.gan.quality import QualityConfig, QualityMonitor
from gan_pipeline.gan.training import run_directory, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=250)
    parser.add_argument("--classifier", default="data/06_models/mnist/classifier.h5")
    parser.add_argument("--out", default="data/08_reporting/benchmarks/bf16_quality.json")
    args = parser.parse_args()

    images, labels = mnist_data()
    extractor = keras.models.load_model(args.classifier, compile=False)
    model, recipe = mnist_recipe()
    rows = []
    with tempfile.TemporaryDirectory() as checkpoints:
        for precision in ("float32", "mixed_bfloat16"):
            config = replace(
                recipe,
                steps=args.steps,
                lr_decay_steps=0,
                checkpoint_every=args.steps,
                checkpoint_dir=checkpoints,
                precision=precision,
                verbose=0,
            )
            quality = QualityConfig(every=args.steps)
            monitor = QualityMonitor(
                extractor, images, run_directory(model, config, images, labels), quality
            )
            start = time.perf_counter()
            history = train(images, model, config, [monitor], labels).history
            seconds = time.perf_counter() - start
            final = history.dropna(subset=["fd"]).iloc[-1]
            rows.append(
                {
                    "precision": precision,
                    "steps": args.steps,
                    "fd": float(final["fd"]),
                    "kid": float(final["kid"]),
                    "coverage": float(final["coverage"]),
                    "seconds": seconds,
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    out = save_json(rows, Path(args.out))
    fp32, bf16 = rows
    print(
        f"FD fp32 {fp32['fd']:.2f} vs bf16 {bf16['fd']:.2f} at {args.steps} steps; "
        f"bf16 took {bf16['seconds'] / fp32['seconds']:.2f}x the time -> {out}"
    )


if __name__ == "__main__":
    main()
