"""Which dataset namespaces a run has, which of them it trains, with which ``train`` settings,
and whether this process writes for them: decided here once for the training lock
(``lifecycle.py``), MLflow tracking (``hooks.py``) and the multi-worker start-up
(``distribution_hook.py``). Takes Kedro's pipeline and catalog as they are, importing no Kedro.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gan_pipeline.run.cluster import is_chief_task


@dataclass(frozen=True)
class Namespace:
    name: str
    train: dict[str, Any]  # its train parameters, {} when it has none
    trains: bool  # its training node is in this run
    chief: bool  # this process writes its checkpoints, lock and MLflow run

    @property
    def multi_worker(self) -> bool:
        return self.train.get("distribution") == "multi_worker"


def namespaces(pipeline, catalog) -> list[Namespace]:
    """The run's top-level namespaces, sorted. Every worker of a multi-worker run executes the
    whole pipeline; only its chief writes (TF's convention, ``cluster.py``), any other run's
    process always does."""
    found = []
    for name in sorted({node.namespace.split(".")[0] for node in pipeline.nodes if node.namespace}):
        key = f"params:{name}.train"
        train = catalog.load(key) if key in catalog else {}
        trains = any(
            node.namespace.split(".")[0] == name and node.name.endswith(".train")
            for node in pipeline.nodes
            if node.namespace
        )
        multi_worker = train.get("distribution") == "multi_worker"
        found.append(Namespace(name, train, trains, not multi_worker or is_chief_task()))
    return found
