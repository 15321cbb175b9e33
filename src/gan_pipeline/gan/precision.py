"""``train.precision: auto``: the mixed precision the training device computes natively.

On a GPU, the one Keras' backend trains on: mixed_bfloat16 where it has bf16 arithmetic (NVIDIA
compute capability 8.0 and up), else mixed_float16 (Keras adds loss scaling). On a CPU: bf16
only where it is native; measured (docs/scaling.md), mixed_bfloat16 ran 1.19x fp32 on an AMX
Xeon and 1.54x on an AVX-512 bf16 EPYC, but 0.15x on an AVX2-only CPU, where bf16 is emulated.
Imports TensorFlow or JAX, whichever is Keras' backend, only when ``auto`` is resolved.
"""

from __future__ import annotations

import functools
import logging
import platform
from pathlib import Path

log = logging.getLogger(__name__)

# CPU flags of native bf16 arithmetic.
BF16_FLAGS = ("amx_bf16", "avx512_bf16")
# NVIDIA GPUs compute bf16 from Ampere (compute capability 8.0) on.
BF16_CAPABILITY = (8, 0)


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


def gpu_precision(capability: tuple[int, int] | None) -> tuple[str, str]:
    """Precision for a GPU of this compute capability (None: the backend did not say), and why."""
    if capability is None:
        return "mixed_float16", "GPU of unknown compute capability: float16, which GPUs compute"
    version = ".".join(map(str, capability))
    if capability >= BF16_CAPABILITY:
        return "mixed_bfloat16", f"GPU has bf16 (compute capability {version} >= 8.0)"
    return "mixed_float16", f"GPU lacks bf16 (compute capability {version} < 8.0)"


def choose_precision(
    device: str, capability: tuple[int, int] | None, cpuinfo: str | None
) -> tuple[str, str]:
    """``auto``'s rule, and why: ``device`` is "gpu" or "cpu", ``capability`` the GPU's compute
    capability, ``cpuinfo`` the text of ``/proc/cpuinfo`` (None where there is none)."""
    if device == "gpu":
        return gpu_precision(capability)
    if cpuinfo is None:
        return "float32", "no /proc/cpuinfo to read the CPU's flags from"
    return cpu_precision(cpuinfo)


def training_device() -> tuple[str, tuple[int, int] | None]:
    """("gpu", the lowest compute capability of the GPUs Keras' backend sees) or ("cpu", None).

    Asks TensorFlow or JAX, whichever is Keras' backend (``KERAS_BACKEND``); other backends
    train on the CPU as far as ``auto`` is concerned."""
    import keras  # noqa: PLC0415 (under the TensorFlow backend this imports TensorFlow)

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf  # noqa: PLC0415

        capabilities = [  # (8, 0), or no entry where the GPU is not NVIDIA's
            tf.config.experimental.get_device_details(gpu).get("compute_capability")
            for gpu in tf.config.list_physical_devices("GPU")
        ]
    elif backend == "jax":
        import jax  # noqa: PLC0415

        capabilities = [  # "8.0", or no attribute where the GPU is not NVIDIA's
            getattr(device, "compute_capability", None)
            for device in jax.devices()
            if device.platform == "gpu"
        ]
        capabilities = [tuple(map(int, c.split("."))) if c else None for c in capabilities]
    else:
        capabilities = []
    if not capabilities:
        return "cpu", None
    # Several GPUs train under one policy: the lowest capability decides.
    return "gpu", None if None in capabilities else min(capabilities)


@functools.cache
def auto_precision() -> str:
    """``train.precision: auto`` resolved once per process, the choice and its reason logged."""
    device, capability = training_device()
    cpuinfo = None
    if device == "cpu" and platform.system() == "Linux":
        cpuinfo = Path("/proc/cpuinfo").read_text()
    precision, reason = choose_precision(device, capability, cpuinfo)
    log.info("train.precision auto -> %s: %s", precision, reason)
    return precision
