"""The GPU check's own code path on this CPU: ``gpu_check.py pack`` then ``run`` from the packed
folder under Keras' JAX backend (a subprocess: the suite runs on TensorFlow), two steps a preset
at 32x32 instead of a bounded wall time at the presets' sizes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

pytest.importorskip("jax", reason="jax is not installed (the dev extras bring jax[cpu])")

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "gpu_check.py"


@pytest.mark.slow
def test_pack_then_run_writes_grids_and_the_report(tmp_path, python):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "namex-0.1.0-py3-none-any.whl").write_bytes(b"a wheel's bytes")
    carry = tmp_path / "carry"
    packed = json.loads(python([str(SCRIPT), "pack", str(carry), "--wheels", str(wheels)]).stdout)
    size = sum(f.stat().st_size for f in carry.rglob("*") if f.is_file()) / 2**20
    assert packed["carry_dir_mb"] == pytest.approx(size, abs=0.01)
    assert packed["carry_dir_mb"] < packed["limit_mb"] == 64
    assert packed["wheels"] == ["namex-0.1.0-py3-none-any.whl"]
    assert packed["photos"] == {"cpu64": [24, 64, 64, 3], "base300": [24, 300, 300, 3]}
    assert (carry / "src" / "gan_pipeline" / "gan" / "training.py").exists()

    out = tmp_path / "out"
    args = ["run", "--carry-dir", str(carry), "--out", str(out), "--steps", "2"]
    args += ["--image-size", "32", "--samples", "4", "--seconds", "0"]
    python([str(carry / "gpu_check.py"), *args], KERAS_BACKEND="jax")

    assert sorted(p.name for p in out.iterdir()) == [
        "gpu_check.json",
        "grid_base300.png",
        "grid_cpu64.png",
    ]
    report = json.loads((out / "gpu_check.json").read_text())
    assert report["keras_backend"] == "jax"
    assert report["tensorflow_imported"] is False
    assert report["carry_dir_mb"] == packed["carry_dir_mb"]
    for preset in report["presets"].values():
        assert "error" not in preset, preset
        assert preset["steps_done"] == preset["preset_steps"] == 2
        assert preset["step_ms"] > 0 and preset["compile_s"] > 0
        assert preset.get("peak_gpu_mb", preset.get("peak_rss_mb")) > 0
        metrics = preset["metrics"]
        assert metrics["samples"] == 4
        assert metrics["sharpness_ratio"] >= 0
        assert -1 <= metrics["nearest_ssim_mean"] <= metrics["nearest_ssim_max"] <= 1
        assert -1 <= metrics["diversity_ssim"] <= 1
        with Image.open(out / preset["grid"]) as grid:
            assert grid.size == (2 + 4 * 34, 2 + 34)  # 4 samples of 32 px, 2 px apart
    # the 64x64 preset's settings come from conf/cpu over conf/base, the other's from base
    cpu64, base300 = report["presets"]["cpu64"], report["presets"]["base300"]
    assert (cpu64["model"]["width"], cpu64["model"]["width_d"]) == (16, 32)
    assert cpu64["model"]["upsample"] == "transpose"
    assert (base300["model"]["width"], base300["model"].get("width_d")) == (32, None)
    assert (base300["model"]["upsample"], base300["model"]["skip_excitation"]) == ("resize", True)
