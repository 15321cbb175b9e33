"""Does a conditional generator draw the digit it is asked for? The judge's verdict per digit.

For every class, ``--samples`` latents are put in that class's interval of z[0] (as
``generate.classes`` does) and the trained generator's images are classified by the
evaluation's classifier: the share recognised as the digit asked for, and the mean max
probability. Needs a default ``kedro run`` first (Generator.h5 and classifier.h5).

Usage: python benchmarks/class_agreement.py [--samples 500] [--seed 0]
Writes data/08_reporting/benchmarks/class_agreement.json.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np
from report import write_report

from gan_pipeline.gan.latents import CLASS_LAYER, in_classes
from gan_pipeline.metrics.features import PROBABILITIES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--generator", default="data/06_models/mnist/Generator.h5")
    parser.add_argument("--classifier", default="data/06_models/mnist/classifier.h5")
    args = parser.parse_args()

    generator = keras.models.load_model(args.generator, compile=False)
    judge = keras.models.load_model(args.classifier, compile=False)
    boundaries = list(generator.get_layer(CLASS_LAYER).bin_boundaries)
    rng = np.random.default_rng(args.seed)
    result: dict[str, float | int] = {"samples_per_class": args.samples}
    for wanted in range(len(boundaries) + 1):
        noise = rng.standard_normal((args.samples, generator.input_shape[-1]))
        latents = in_classes(noise, np.full(args.samples, wanted), boundaries, rng)
        images = generator.predict(latents.astype(np.float32), verbose=0)
        probabilities = judge.predict(images, verbose=0)[PROBABILITIES]
        result[f"class_{wanted}_recognised"] = float((probabilities.argmax(1) == wanted).mean())
        result[f"class_{wanted}_mean_max_probability"] = float(probabilities.max(1).mean())
    write_report(result, "class_agreement")


if __name__ == "__main__":
    main()
