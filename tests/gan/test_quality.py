import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from crashes import CrashAt

from gan_pipeline.gan.quality import BEST_RECORD, QualityConfig, QualityMonitor
from gan_pipeline.gan.training import ModelConfig, TrainConfig, run_directory, train
from gan_pipeline.metrics.features import pixel_extractor

TINY_MODEL = ModelConfig(latent_dim=8, width=4)
# 4 features (14x14 quadrants, all inked for the sample's digits); FD needs more than 4 samples.
EXTRACTOR = pixel_extractor((28, 28, 1), size=2)
QUALITY = QualityConfig(
    every=2, samples=16, metrics=("fd", "kid"), kid_subset_size=8, kid_subsets=2
)


@pytest.fixture
def tiny(tmp_path) -> TrainConfig:
    return TrainConfig(
        steps=4, batch_size=16, checkpoint_every=2, checkpoint_dir=str(tmp_path), verbose=0
    )


def run(images, train_config, *extra, quality=QUALITY):
    state_dir = run_directory(TINY_MODEL, train_config, images)
    monitor = QualityMonitor(EXTRACTOR, images, state_dir, quality)
    result = train(images, TINY_MODEL, train_config, callbacks=[monitor, *extra])
    return result, monitor, state_dir


def test_quality_lands_in_the_history_every_n_steps(mnist_sample, tiny, tmp_path):
    result, _, _ = run(mnist_sample, tiny)
    result.history.to_csv(tmp_path / "history.csv", index=False)
    history = pd.read_csv(tmp_path / "history.csv").set_index("step")
    assert history["fd"].notna().tolist() == [False, True, False, True]
    assert history["kid"].notna().tolist() == [False, True, False, True]
    assert (history["fd"].dropna() > 0).all()


def test_monitor_leaves_training_unchanged(mnist_sample, tiny, tmp_path):
    monitored, _, _ = run(mnist_sample, tiny)
    plain = train(mnist_sample, TINY_MODEL, replace(tiny, checkpoint_dir=str(tmp_path / "plain")))
    for ours, theirs in zip(monitored.generator.weights, plain.generator.weights, strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_best_generator_is_the_one_with_the_lowest_fd(mnist_sample, tiny):
    result, monitor, state_dir = run(mnist_sample, tiny)
    fd = result.history.set_index("step")["fd"].dropna()
    record = json.loads((state_dir / BEST_RECORD).read_text())
    assert record["step"] == fd.idxmin() and record["value"] == pytest.approx(fd.min())
    assert [path.name for path in state_dir.glob("generator_best-*")] == [record["weights"]]
    best = monitor.best_generator(result.generator)
    assert best is not result.generator and best.output_shape == (None, 28, 28, 1)
    if record["step"] == 4:  # the last step was best: both generators are the same weights
        z = np.random.default_rng(0).standard_normal((2, 8)).astype(np.float32)
        np.testing.assert_allclose(best(z), result.generator(z), atol=1e-6)


def test_best_by_last_keeps_no_best_and_exports_the_last_generator(mnist_sample, tiny):
    result, monitor, state_dir = run(mnist_sample, tiny, quality=replace(QUALITY, best_by="last"))
    assert result.history["fd"].notna().sum() == 2  # still measured, for the curve
    assert not (state_dir / BEST_RECORD).exists()
    assert not list(state_dir.glob("generator_best-*"))
    assert monitor.best_generator(result.generator) is result.generator


def test_best_survives_a_crash_and_a_best_after_the_last_checkpoint_is_dropped(mnist_sample, tiny):
    longer = replace(tiny, steps=8, checkpoint_every=4)  # checkpoints at 4 and 8
    with pytest.raises(RuntimeError, match="simulated crash"):
        run(mnist_sample, longer, CrashAt(6))  # quality measured at 2, 4 and 6, then a crash
    state_dir = run_directory(TINY_MODEL, longer, mnist_sample)
    record = json.loads((state_dir / BEST_RECORD).read_text())
    # Make step 6 (measured, but after checkpoint 4, so lost with the crash) the best.
    record["step"], record["value"] = 6, -1.0
    (state_dir / BEST_RECORD).write_text(json.dumps(record))
    result, _, _ = run(mnist_sample, longer)
    assert result.resumed_from == 4
    fd = result.history.set_index("step")["fd"]
    assert fd.notna().tolist() == [False, True] * 4  # steps 2 and 4 restored, 6 and 8 new
    resumed = json.loads((state_dir / BEST_RECORD).read_text())
    assert resumed["value"] == pytest.approx(fd.min()) and resumed["step"] == fd.idxmin()


def test_coverage_needs_a_classifier():
    with pytest.raises(ValueError, match="coverage.*class probabilities"):
        QualityMonitor(EXTRACTOR, np.zeros((4, 28, 28, 1)), ".", QualityConfig())


def test_rejects_an_unknown_metric_or_a_best_by_that_is_not_measured():
    with pytest.raises(ValueError, match="unknown"):
        QualityConfig(metrics=["fd", "is"])
    with pytest.raises(ValueError, match="best_by"):
        QualityConfig(metrics=["kid"], best_by="fd")
