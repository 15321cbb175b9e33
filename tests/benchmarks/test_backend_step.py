"""``benchmarks/backend_step.py`` end to end: one process per backend, each on the backend it
was started with, the MNIST default's own settings, figures written to the JSON it names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "backend_step.py"


@pytest.mark.slow
def test_each_backend_runs_in_its_own_process_and_the_ratio_is_printed(tmp_path, python):
    out = tmp_path / "backend_step.json"
    args = ["--cases", "mnist", "--steps", "1", "--warmup", "1", "--out", str(out)]
    done = python([str(SCRIPT), *args])
    report = json.loads(out.read_text())
    assert [r["backend"] for r in report["results"]] == ["tensorflow", "jax"]
    for result in report["results"]:
        assert result["case"] == "mnist" and result["image_shape"] == [28, 28, 1]
        assert result["precision"] != "auto"  # resolved for this CPU, as training does
        assert result["step_s"] > 0 and result["cpu_s"] > 0
    assert set(report["median_step_s"]) == {"mnist/tensorflow", "mnist/jax"}
    assert "mnist: JAX step / TensorFlow step = " in done.stdout
