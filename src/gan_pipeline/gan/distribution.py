"""Choosing a ``tf.distribute`` strategy and the chief's role under it.

TensorFlow's own engine does the distribution; this module only maps the ``train.distribution``
parameter to a strategy and answers "am I the chief?" for checkpoint writing.
"""

from __future__ import annotations

import functools
import os

import tensorflow as tf

from gan_pipeline.gan.config import DISTRIBUTIONS
from gan_pipeline.run.cluster import is_chief_task


def make_strategy(
    distribution: str, devices: list[str] | None = None, timeout_s: float | None = None
) -> tf.distribute.Strategy:
    """``auto``: TF's default placement (one GPU if present, else CPU).
    ``mirrored``: all local GPUs (or ``devices``). ``multi_worker``: the cluster in TF_CONFIG,
    with collectives that fail after ``timeout_s`` instead of hanging on a lost worker.
    """
    if distribution == "auto":
        return tf.distribute.get_strategy()
    if distribution == "mirrored":
        return tf.distribute.MirroredStrategy(devices=devices)
    if distribution == "multi_worker":
        return _multi_worker_strategy(timeout_s)
    raise ValueError(f"train.distribution={distribution!r}; choose one of {DISTRIBUTIONS}")


@functools.cache
def _multi_worker_strategy(timeout_s: float | None) -> tf.distribute.Strategy:
    """One per process: TF allows a single multi-worker set-up, made before other TF work."""
    if "TF_CONFIG" not in os.environ:
        raise ValueError(
            "train.distribution=multi_worker needs the TF_CONFIG environment variable "
            '(e.g. {"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
            '"task": {"type": "worker", "index": 0}}) on every worker'
        )
    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=timeout_s)
    return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """True on the one worker that writes checkpoints and records (always true locally)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    return resolver is None or not resolver.task_type or is_chief_task()
