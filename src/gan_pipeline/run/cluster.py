"""Which task of a ``TF_CONFIG`` cluster this process is, read without importing TensorFlow,
so the hooks (through ``plan.py``) can ask before any TF work."""

from __future__ import annotations

import json
import os


def is_chief_task(tf_config: str | None = None) -> bool:
    """True for the one task that writes checkpoints and records: the ``chief`` task, or worker 0
    when the cluster names no chief (TF's convention), and any process outside a cluster.
    ``tf_config`` defaults to the ``TF_CONFIG`` environment variable."""
    if tf_config is None:
        tf_config = os.environ.get("TF_CONFIG") or "{}"
    config = json.loads(tf_config)
    task = config.get("task") or {}
    if task.get("type") in (None, "chief"):
        return True
    return (
        task["type"] == "worker"
        and int(task.get("index", 0)) == 0
        and "chief" not in config.get("cluster", {})
    )
