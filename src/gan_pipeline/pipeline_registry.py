"""Pipelines are found by module name, so ``--pipelines=training`` selects a module."""

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    # The default run is the MNIST path end to end; other datasets are opt-in by namespace.
    pipelines["__default__"] = sum(pipelines.values(), Pipeline([])).only_nodes_with_namespaces(
        ["mnist"]
    )
    return pipelines
