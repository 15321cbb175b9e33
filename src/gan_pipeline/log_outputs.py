"""Log a finished run's saved outputs to MLflow afterwards (its tracking server was away).

``python -m gan_pipeline.log_outputs --namespace mnist [--env test]`` loads the outputs of the
dataset's training and evaluation from the catalog and hands them to the tracking hook as if
the run had just saved them, so they are logged exactly as a run logs them: history, images,
plots, metrics, the generator (registered, ``@best`` moved when its FD is the lowest). They go
into the run a lost server left open (docs/reliability.md), or into a new run when there is
none.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import DatasetError
from kedro.pipeline import Pipeline

from gan_pipeline.hooks import MlflowTracking

log = logging.getLogger(__name__)


def log_outputs(project: Path, namespace: str, env: str | None = None) -> str:
    """Log ``namespace``'s saved outputs; returns the MLflow run id they went to."""
    bootstrap_project(project)
    with KedroSession.create(project, env=env) as session:
        context = session.load_context()
        catalog = context.catalog
        part = sum(
            (pipelines[name] for name in ("training", "evaluation")), Pipeline([])
        ).only_nodes_with_namespaces([namespace])
        hook = MlflowTracking(adopt_unfinished=True)
        hook.after_context_created(context)
        run_params = {
            "run_id": session.session_id,
            "project_path": project.as_posix(),
            "env": context.env,
            "pipeline_names": ["training", "evaluation"],
        }
        hook.before_pipeline_run(run_params, part, catalog)
        run_id = hook.run_ids[namespace]
        for node in part.nodes:  # in run order: history before metrics, as a run saves them
            for name in node.outputs:
                if not catalog.exists(name):
                    continue
                try:
                    data = catalog.load(name)
                except DatasetError:  # save-only (a plot): the hook attaches its file
                    data = None
                if isinstance(data, dict) and all(callable(v) for v in data.values()):
                    data = {key: load() for key, load in data.items()}  # a partitioned folder
                hook.after_dataset_saved(name, data, None)
        hook.after_pipeline_run(run_params, {}, part, catalog)
        return run_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gan_pipeline.log_outputs", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--namespace", required=True, help="the dataset, e.g. mnist")
    parser.add_argument("--env", default=None, help="the Kedro env the run used, e.g. test")
    args = parser.parse_args(argv)
    run_id = log_outputs(Path.cwd(), args.namespace, args.env)
    log.info("Logged the saved %s outputs to MLflow run %s", args.namespace, run_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
