"""Pipelines are found by module name, so ``--pipelines=training`` selects a module."""

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    # The default run is the MNIST path end to end; other datasets are opt-in by namespace.
    # `generate` is opt-in too: it uses a generator that an earlier run trained. Kedro loads
    # only the requested pipelines, so `--pipelines=generate` leaves nothing to build it from.
    if training_path := [p for name, p in pipelines.items() if name != "generate"]:
        pipelines["__default__"] = sum(training_path, Pipeline([])).only_nodes_with_namespaces(
            ["mnist"]
        )
    return pipelines
