"""``benchmarks/bf16_quality.py`` end to end: the MNIST recipe in float32 and in
mixed_bfloat16 for the same steps, each scored by the quality monitor, rows written to the JSON
it names. The classifier is an untrained one of the pipeline's shape: its features are
arbitrary but real, which is all the script's plumbing needs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from gan_pipeline.metrics.classifier import build_classifier

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "bf16_quality.py"


@pytest.mark.slow
def test_both_precisions_train_the_same_steps_and_are_scored(tmp_path, python):
    _, extractor = build_classifier((28, 28, 1), classes=10)
    extractor.save(tmp_path / "classifier.h5")
    out = tmp_path / "bf16_quality.json"
    args = ["--steps", "2", "--classifier", str(tmp_path / "classifier.h5"), "--out", str(out)]
    done = python([str(SCRIPT), *args])
    rows = json.loads(out.read_text())
    assert [row["precision"] for row in rows] == ["float32", "mixed_bfloat16"]
    for row in rows:
        assert row["steps"] == 2 and row["seconds"] > 0
        assert all(math.isfinite(row[key]) for key in ("fd", "kid", "coverage"))
    assert rows[0]["fd"] != rows[1]["fd"]  # same seed and data: the precision made the change
    assert "FD fp32 " in done.stdout and "x the time -> " in done.stdout
