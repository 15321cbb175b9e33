"""``train.precision: auto``: the CPU flags decide, once per process."""

import pytest

from gan_pipeline.gan import precision
from gan_pipeline.gan.config import TrainConfig
from gan_pipeline.gan.precision import cpu_precision

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


def test_auto_precision_is_resolved_once_and_float32_off_linux(monkeypatch, caplog):
    precision.auto_precision.cache_clear()
    monkeypatch.setattr(precision.platform, "system", lambda: "Darwin")
    try:
        with caplog.at_level("INFO", logger=precision.__name__):
            assert TrainConfig(precision="auto").precision == "float32"
            assert TrainConfig(precision="auto").precision == "float32"
        assert [r.getMessage() for r in caplog.records] == [
            "train.precision auto -> float32: no /proc/cpuinfo on Darwin"
        ]
    finally:
        precision.auto_precision.cache_clear()
