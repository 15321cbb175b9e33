"""In-training sample quality: FD, KID, mode coverage and sharpness every N steps, and the best
generator.

The values go into the step's ``logs``, so the training record puts them in the per-step history
(NaN between evaluations) and they survive a resume with it. The best generator by FD (or KID)
is written beside the checkpoints, so a resumed run still knows and exports it; with
``best_by: last`` none is kept and the last generator is exported as the best.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict
from pathlib import Path

import keras
import numpy as np

from gan_pipeline.gan import backend
from gan_pipeline.gan.callbacks import StepCallback
from gan_pipeline.gan.config import QualityConfig
from gan_pipeline.gan.files import replacing
from gan_pipeline.metrics.coverage import mode_coverage
from gan_pipeline.metrics.distances import feature_distances
from gan_pipeline.metrics.features import PROBABILITIES, extract
from gan_pipeline.metrics.sharpness import laplacian_variance

log = logging.getLogger(__name__)

BEST_RECORD = "generator_best.json"
BEST_WEIGHTS = "generator_best-{step:08d}.weights.h5"
BEST_WEIGHTS_GLOB = "generator_best-*.weights.h5"


class QualityMonitor(StepCallback):
    """Every ``config.every`` steps, scores samples of a fixed latent bank against real images.

    Real features are computed once; each evaluation generates ``config.samples`` images with
    the GAN's ``sampler`` (the exported generator: the EMA copy when EMA is on), runs the
    feature extractor on them and adds ``fd``, ``kid`` (mean), ``coverage`` (classes
    covered) and ``sharpness`` (Laplacian variance over the real images') to the logs.
    Generation runs in inference mode and draws no random numbers from the training's
    generators, so training itself is unchanged by the monitor.
    """

    def __init__(
        self,
        extractor: keras.Model,
        real_images: np.ndarray,
        state_dir: Path,
        config: QualityConfig,
    ):
        super().__init__()
        if "coverage" in config.metrics and PROBABILITIES not in extractor.output:
            raise ValueError(
                f"quality metric 'coverage' needs class probabilities, which feature extractor "
                f"{extractor.name!r} does not output; remove it from the quality metrics"
            )
        self.extractor = extractor
        self.real_images = real_images
        self.state_dir = Path(state_dir)
        self.config = config
        self.best: dict | None = None
        self._real_features: np.ndarray | None = None
        self._real_sharpness = math.nan
        self._latents: np.ndarray | None = None
        self._last_step: int | None = None
        self._chief = True

    def on_train_begin(self, logs=None):
        # The one writer, as for checkpoints (a JAX model has no tf.distribute strategy).
        strategy = getattr(self.model, "distribute_strategy", None)
        self._chief = backend.load("engine").is_chief(strategy)
        rng = np.random.default_rng(self.config.seed)
        count = min(self.config.samples, len(self.real_images))
        chosen = rng.choice(len(self.real_images), count, replace=False)
        self._real_features, _ = extract(
            self.extractor, self.real_images[chosen], self.config.batch_size
        )
        if "sharpness" in self.config.metrics:
            self._real_sharpness = laplacian_variance(self.real_images[chosen]).mean()
        latent_dim = self.model.sampler.input_shape[-1]
        self._latents = rng.standard_normal((self.config.samples, latent_dim), dtype=np.float32)

    def on_epoch_begin(self, epoch, logs=None):
        super().on_epoch_begin(epoch, logs)
        if self._last_step is None:  # first round of this fit: the run starts or resumes here
            self._last_step = self.steps_before(epoch)
            self.best = self._read_best(up_to_step=self._last_step)
            if self.best is None and self._chief:  # stale or absent: never export it
                self._remove_best_files(keep=None)

    def on_train_batch_end(self, batch, logs=None):
        step = self.step_after(batch)
        # Crossing test, not step % every: with steps_per_execution > 1 Keras reports chunks.
        due = step // self.config.every > self._last_step // self.config.every
        self._last_step = step
        if not due:
            return
        values = self.evaluate()
        logs.update(values)
        value = values.get(self.config.best_by, math.nan)  # best_by "last": no best kept
        if math.isfinite(value) and (self.best is None or value < self.best["value"]):
            self._write_best(step, value)
        log.info("step %d quality: %s", step, {k: round(v, 4) for k, v in values.items()})

    def evaluate(self) -> dict[str, float]:
        backend.load("engine").sync_variables(self.model)
        generated = self.model.sampler.predict(
            self._latents, batch_size=self.config.batch_size, verbose=0
        )
        features, probabilities = extract(self.extractor, generated, self.config.batch_size)
        values = feature_distances(
            self.config.metrics,
            features,
            self._real_features,
            kid_subset_size=self.config.kid_subset_size,
            kid_subsets=self.config.kid_subsets,
            seed=self.config.seed,
        )
        values.pop("kid_std", None)  # the per-step history keeps KID's mean alone
        if "coverage" in self.config.metrics:
            coverage = mode_coverage(probabilities, self.config.min_share)
            values["coverage"] = float(coverage["classes_covered"])
        if "sharpness" in self.config.metrics:
            values["sharpness"] = float(laplacian_variance(generated).mean() / self._real_sharpness)
        return values

    def _write_best(self, step: int, value: float) -> None:
        self.best = {
            "step": step,
            "metric": self.config.best_by,
            "value": value,
            "weights": BEST_WEIGHTS.format(step=step),
            "settings": asdict(self.config),
        }
        if not self._chief:
            return
        # Kill-safe order: new weights under a new name, then the record that points to them
        # (replaced atomically), then the old weights. The record never names a partial file.
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.model.sampler.save_weights(self.state_dir / self.best["weights"])
        with replacing(self.state_dir / BEST_RECORD) as file:
            file.write(json.dumps(self.best).encode())
        self._remove_best_files(keep=self.best["weights"])

    def _remove_best_files(self, keep: str | None) -> None:
        if keep is None:
            (self.state_dir / BEST_RECORD).unlink(missing_ok=True)
        for weights in self.state_dir.glob(BEST_WEIGHTS_GLOB):
            if weights.name != keep:
                weights.unlink()

    def _read_best(self, up_to_step: float = math.inf) -> dict | None:
        """The stored best, if measured with these settings no later than ``up_to_step``.

        A best from after the checkpoint a run resumes from, or measured with other settings,
        is not comparable with what comes next.
        """
        path = self.state_dir / BEST_RECORD
        if not path.exists():
            return None
        best = json.loads(path.read_text())
        settings = json.loads(json.dumps(asdict(self.config)))  # tuples as JSON lists
        if best["settings"] != settings or best["step"] > up_to_step:
            return None
        return best if (self.state_dir / best["weights"]).exists() else None

    def best_generator(self, generator: keras.Model) -> keras.Model:
        """A copy of ``generator`` with the best recorded weights (``generator`` if none)."""
        record = self._read_best()
        if record is None:
            return generator
        best = keras.models.clone_model(generator)
        best.load_weights(self.state_dir / record["weights"])
        return best
