"""Which namespaces a run trains and whether this process writes for them, on real Kedro
pipelines and catalogs."""

from __future__ import annotations

import json

from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Node, Pipeline

from gan_pipeline.run.plan import namespaces

SECOND_WORKER = {
    "cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]},
    "task": {"type": "worker", "index": 1},
}


def _identity(x):
    return x


def _run() -> tuple[Pipeline, DataCatalog]:
    """``a`` trains on several workers, ``b`` trains alone, ``c`` only evaluates."""
    train = Pipeline([Node(_identity, "params:train", "generator", name="train")])
    score = Pipeline([Node(_identity, "generator", "metrics", name="score")])
    pipeline = (
        Pipeline(train, namespace="a")
        + Pipeline(train, namespace="b")
        + Pipeline(score, namespace="c")
    )
    catalog = DataCatalog(
        {
            "params:a.train": MemoryDataset({"distribution": "multi_worker", "steps": 4}),
            "params:b.train": MemoryDataset({"steps": 2}),
        }
    )
    return pipeline, catalog


def test_each_namespace_with_its_train_settings_and_whether_it_trains(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    a, b, c = namespaces(*_run())
    assert (a.name, a.trains, a.multi_worker, a.train["steps"]) == ("a", True, True, 4)
    assert (b.name, b.trains, b.multi_worker, b.train) == ("b", True, False, {"steps": 2})
    assert (c.name, c.trains, c.train) == ("c", False, {})
    assert a.chief and b.chief and c.chief  # outside a cluster this process writes all


def test_a_second_worker_writes_only_for_namespaces_that_are_not_multi_worker(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps(SECOND_WORKER))
    a, b, c = namespaces(*_run())
    assert not a.chief
    assert b.chief and c.chief
