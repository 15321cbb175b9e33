"""``train.precision: auto``: the GPU's bf16 or float16 where one trains, else the CPU flags
decide, once per process."""

import json
import os
import subprocess
import sys

import pytest

from gan_pipeline.gan import precision
from gan_pipeline.gan.config import TrainConfig
from gan_pipeline.gan.precision import choose_precision, cpu_precision

XEON_AMX = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n"
EPYC_ZEN4 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n"
EPYC_AVX2 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n"


@pytest.mark.parametrize(
    ("cpuinfo", "expected", "reason"),
    [
        (XEON_AMX, "mixed_bfloat16", "amx_bf16"),
        (EPYC_ZEN4, "mixed_bfloat16", "avx512_bf16"),
        (EPYC_AVX2, "float32", "lacks"),
        ("", "float32", "lacks"),
        # Only the "flags" line counts, not Intel's "vmx flags" line.
        ("vmx flags\t: amx_bf16\nflags\t: avx2\n", "float32", "lacks"),
    ],
)
def test_cpu_precision_picks_bf16_only_with_native_bf16(cpuinfo, expected, reason):
    precision, why = cpu_precision(cpuinfo)
    assert precision == expected and reason in why


@pytest.mark.parametrize(
    ("device", "capability", "cpuinfo", "expected", "reason"),
    [
        # A GPU decides whatever the CPU has: bf16 from compute capability 8.0 (A100) on.
        ("gpu", (9, 0), EPYC_AVX2, "mixed_bfloat16", "compute capability 9.0 >= 8.0"),
        ("gpu", (8, 0), None, "mixed_bfloat16", "compute capability 8.0 >= 8.0"),
        ("gpu", (7, 5), XEON_AMX, "mixed_float16", "compute capability 7.5 < 8.0"),
        ("gpu", (6, 1), EPYC_ZEN4, "mixed_float16", "compute capability 6.1 < 8.0"),
        ("gpu", None, XEON_AMX, "mixed_float16", "unknown compute capability"),
        # No GPU: the CPU rule above.
        ("cpu", None, XEON_AMX, "mixed_bfloat16", "amx_bf16"),
        ("cpu", None, EPYC_AVX2, "float32", "lacks"),
        ("cpu", None, None, "float32", "no /proc/cpuinfo"),
    ],
)
def test_choose_precision_prefers_the_gpu(device, capability, cpuinfo, expected, reason):
    precision, why = choose_precision(device, capability, cpuinfo)
    assert precision == expected and reason in why


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_training_device_asks_keras_backend_only(backend):
    """With the GPUs hidden either backend reports the CPU; under JAX without importing
    TensorFlow (a JAX GPU machine may have none)."""
    script = (
        "import json, sys\n"
        "from gan_pipeline.gan.precision import training_device\n"
        "print(json.dumps([training_device(), 'tensorflow' in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "KERAS_BACKEND": backend, "CUDA_VISIBLE_DEVICES": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    device, tensorflow_imported = json.loads(done.stdout.splitlines()[-1])
    assert device == ["cpu", None]
    assert tensorflow_imported == (backend == "tensorflow")


def test_auto_precision_is_resolved_once_and_float32_off_linux(monkeypatch, caplog):
    """The same answer on any machine: a CPU (the test above asks the backends for real)
    off Linux."""
    precision.auto_precision.cache_clear()
    monkeypatch.setattr(precision, "training_device", lambda: ("cpu", None))
    monkeypatch.setattr(precision.platform, "system", lambda: "Darwin")
    try:
        with caplog.at_level("INFO", logger=precision.__name__):
            assert TrainConfig(precision="auto").precision == "float32"
            assert TrainConfig(precision="auto").precision == "float32"
        assert [r.getMessage() for r in caplog.records] == [
            "train.precision auto -> float32: no /proc/cpuinfo to read the CPU's flags from"
        ]
    finally:
        precision.auto_precision.cache_clear()
