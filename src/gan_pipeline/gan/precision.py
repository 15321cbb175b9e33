"""``train.precision: auto``: bf16 only where the CPU computes it natively.

Measured (docs/scaling.md): mixed_bfloat16 ran 1.19x fp32 on an AMX Xeon and 1.54x on an AVX-512
bf16 EPYC, but 0.15x on an AVX2-only CPU, where bf16 is emulated. Imports no TensorFlow.
"""

from __future__ import annotations

import functools
import logging
import platform
from pathlib import Path

log = logging.getLogger(__name__)

# CPU flags of native bf16 arithmetic.
BF16_FLAGS = ("amx_bf16", "avx512_bf16")


def cpu_precision(cpuinfo: str) -> tuple[str, str]:
    """Precision for a CPU described by ``/proc/cpuinfo`` text, and why."""
    flags = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            flags |= set(value.split())
    native = [flag for flag in BF16_FLAGS if flag in flags]
    if native:
        return "mixed_bfloat16", f"CPU has native bf16 ({', '.join(native)})"
    return "float32", f"CPU lacks {' and '.join(BF16_FLAGS)}: bf16 would be emulated, slower"


@functools.cache
def auto_precision() -> str:
    """``train.precision: auto`` resolved once per process, the choice and its reason logged."""
    if platform.system() != "Linux":
        precision, reason = "float32", f"no /proc/cpuinfo on {platform.system()}"
    else:
        precision, reason = cpu_precision(Path("/proc/cpuinfo").read_text())
    log.info("train.precision auto -> %s: %s", precision, reason)
    return precision
