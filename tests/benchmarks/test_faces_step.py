"""``benchmarks/faces_step.py`` end to end: each variant in its own process, the preset's
settings with the command line's overrides, figures written to the JSON it names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "faces_step.py"


@pytest.mark.slow
def test_two_variants_alternate_and_report_their_own_settings_and_figures(tmp_path, python):
    out = tmp_path / "faces_step.json"
    args = ["--envs", "cpu", "--steps", "1", "--warmup", "1", "--rounds", "1"]
    args += ["--params", "", "--params", "faces.model.width_d=8", "--out", str(out)]
    done = python([str(SCRIPT), *args])
    report = json.loads(out.read_text())
    preset, narrow = report["results"]
    assert (preset["params"], narrow["params"]) == ("", "faces.model.width_d=8")
    # conf/cpu over conf/base, then the override: D alone is narrower, G the same
    assert (preset["model"]["width"], preset["model"]["width_d"]) == (16, 32)
    assert narrow["model"]["width_d"] == 8
    assert narrow["generator_params"] == preset["generator_params"]
    assert narrow["discriminator_params"] < preset["discriminator_params"]
    for result in (preset, narrow):
        assert result["image_size"] == 64 and result["step_s"] > 0 and result["cpu_s"] > 0
        assert result["peak_rss_mb"] > 100  # TensorFlow alone takes more
        minutes = result["preset_steps"] * result["step_s"] / 60
        assert result["preset_train_minutes"] == pytest.approx(minutes)
    assert "faces.model.width_d=8" in done.stdout  # the printed table names each variant
