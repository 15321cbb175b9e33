"""The chief of a TF_CONFIG cluster, decided without TensorFlow."""

from __future__ import annotations

import json

import pytest

from gan_pipeline.run.cluster import is_chief_task

WORKERS = {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}
WITH_CHIEF = {"chief": ["127.0.0.1:0"], **WORKERS}


@pytest.mark.parametrize(
    ("cluster", "task", "chief"),
    [
        (WORKERS, {"type": "worker", "index": 0}, True),
        (WORKERS, {"type": "worker", "index": 1}, False),
        (WITH_CHIEF, {"type": "chief", "index": 0}, True),
        (WITH_CHIEF, {"type": "worker", "index": 0}, False),
        (WORKERS, {"type": "evaluator", "index": 0}, False),
    ],
)
def test_the_chief_is_the_chief_task_or_else_worker_zero(cluster, task, chief):
    assert is_chief_task(json.dumps({"cluster": cluster, "task": task})) is chief


def test_a_process_outside_a_cluster_is_its_own_chief(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert is_chief_task()
    second_worker = {"cluster": WORKERS, "task": {"type": "worker", "index": 1}}
    monkeypatch.setenv("TF_CONFIG", json.dumps(second_worker))
    assert not is_chief_task()
