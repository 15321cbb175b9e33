"""Pipelines are found by module name, so ``--pipelines=training`` selects a module."""

import click
from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

DEFAULT_NAMESPACES = ["mnist"]


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    # The default run is a dataset's path end to end: MNIST's, or that of the namespaces the
    # command names (`kedro run --env cpu --namespaces=faces`: faces from its photos to its
    # evaluation). Kedro filters the default by --namespaces only after building it, so the
    # choice is made here. `generate` is opt-in: it uses a generator an earlier run trained.
    # Kedro loads only the requested pipelines, so `--pipelines=generate` builds none of this.
    if training_path := [p for name, p in pipelines.items() if name != "generate"]:
        pipelines["__default__"] = sum(training_path, Pipeline([])).only_nodes_with_namespaces(
            _requested_namespaces() or DEFAULT_NAMESPACES
        )
    return pipelines


def _requested_namespaces() -> list[str]:
    """The ``--namespaces`` of the ``kedro run`` command line, if any (none from Python)."""
    command = click.get_current_context(silent=True)
    return list(command.params.get("namespaces") or []) if command else []
