"""Kedro hooks that stop a run before any node runs or anything is written: unknown pipeline or
namespace names, bad parameters (``validation.py``) and a generate run without a trained
generator. (The training lock and SIGTERM are ``lifecycle.py``'s.)

Registered after the other hooks in ``settings.py``, so pluggy calls them first: an error here
comes before an MLflow run is created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from kedro.framework.hooks import hook_impl
from kedro.framework.project import settings

from gan_pipeline import datasets_registry, validation

PIPELINES_PACKAGE = Path(__file__).parent / "pipelines"


def untrained(pipeline, catalog, env: str | None, root: Path) -> dict[str, str]:
    """Per dataset that ``pipeline`` generates for, one line naming the file it would miss
    and the command that makes it: files neither on disk nor written earlier in this run.

    The generator file is not needed when ``generate.model_uri`` names an MLflow model; the
    dataset's ``data_info`` always is (the generator's image shape is checked against it).
    Paths are the catalog's, so those of the env in use (``data/test/`` for ``--env test``),
    shown relative to the project ``root`` when inside it.
    """
    free, made = pipeline.inputs(), pipeline.all_outputs()
    missing = {}
    for name in sorted(free):
        namespace, _, dataset = name.rpartition(".")
        if dataset != "generator_source":
            continue
        source = catalog.load(name)  # a loader; it reads nothing yet
        model_uri = catalog.load(f"params:{namespace}.generate").get("model_uri")
        info = f"{namespace}.data_info"
        if not (model_uri or f"{namespace}.generator" in made or source.filepath.is_file()):
            command = _command(namespace, "data_processing,training", env)
            missing[namespace] = (
                f"{namespace}: no trained generator ({_shown(source.filepath, root)} missing); "
                f"train it first: {command}"
            )
        elif info in free and not catalog.exists(info):
            path = _shown(Path(catalog.config_resolver.resolve_pattern(info)["filepath"]), root)
            command = _command(namespace, "data_processing", env)
            missing[namespace] = (
                f"{namespace}: no data_info ({path} missing; generate checks the generator's "
                f"image shape against it); make it: {command}"
            )
    return missing


def _shown(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def _command(namespace: str, pipelines: str, env: str | None) -> str:
    """The ``kedro run`` that writes ``pipelines``' outputs where this env's runs read them."""
    default = settings.CONFIG_LOADER_ARGS.get("default_run_env")
    cpu_env = {each.name: each.cpu_env for each in datasets_registry.datasets()}.get(namespace)
    if env in (None, default) and cpu_env and not _has_gpu():
        env = cpu_env
    flag = "" if env in (None, default) else f" --env {env}"
    return f"kedro run{flag} --pipelines={pipelines} --namespaces={namespace}"


def _has_gpu() -> bool:
    # Imported here: the generate nodes have loaded Keras (TensorFlow) already, while every
    # other `kedro` command that reads settings.py would pay seconds for it.
    import keras  # noqa: PLC0415

    return bool(keras.distribution.list_devices("gpu"))


class RunGuards:
    @hook_impl
    def after_context_created(self, context) -> None:
        """``kedro run --pipelines/--namespaces`` names checked against the project's, before
        Kedro imports the pipelines (a misspelt pipeline is otherwise an ImportError)."""
        command = click.get_current_context(silent=True)
        if command is None:  # a KedroSession from Python: Kedro's own checks apply
            return
        pipelines = {p.name for p in PIPELINES_PACKAGE.iterdir() if (p / "pipeline.py").exists()}
        namespaces = datasets_registry.names(Path(context.project_path))
        found = validation.check_names(
            "pipeline", command.params.get("pipelines") or [], pipelines | {"__default__"}
        ) + validation.check_names("namespace", command.params.get("namespaces") or [], namespaces)
        if found:
            raise validation.report(found)

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline, catalog) -> None:
        read = {
            name.removeprefix("params:"): catalog.load(name)
            for name in pipeline.inputs()
            if name.startswith("params:")
        }
        found = validation.check_parameters(read, run_params.get("runtime_params") or {})
        if found:
            raise validation.report(found)
        root = Path(run_params["project_path"])
        if missing := untrained(pipeline, catalog, run_params["env"], root):
            raise validation.MissingInputError("\n".join(missing.values()))
