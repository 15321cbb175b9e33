"""Cost of MLflow tracking beside the training it records, default MNIST model and settings.

Runs the MNIST ``data_processing`` and ``training`` pipelines through a KedroSession with the
project's hooks, in a temporary copy of the project that tracks into a temporary SQLite store,
and compares the time the tracking hook spent (parameters, per-step history, sample grids,
plots, Generator.h5, the logged and registered model) with the training time (the sum of the
per-step times in the run's speed.csv). The store is created first and timed apart: that happens
once per project, not per run. Shorter runs keep the default's 16 sample grids.

Usage: python benchmarks/tracking_overhead.py [--steps 4000]
Writes data/08_reporting/benchmarks/tracking_overhead.json and prints the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from report import write_report

from gan_pipeline import tracking
from gan_pipeline.hooks import MlflowTracking
from gan_pipeline.settings import HOOKS

PROJECT = Path(__file__).resolve().parents[1]
GRIDS = 16  # a 4,000-step run at checkpoint_every 250 (the default run is 3,500 steps: 14)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000)
    args = parser.parse_args()

    home = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        shutil.copytree(PROJECT / "conf", project / "conf", ignore=shutil.ignore_patterns("local"))
        for name in ("pyproject.toml", ".telemetry"):
            shutil.copy(PROJECT / name, project / name)
        for name in ("src", "data", "conf/local"):
            (project / name).mkdir()
        uri = f"sqlite:///{project / 'mlflow.db'}"
        os.environ["MLFLOW_TRACKING_URI"] = uri
        # Creating a store (its tables and migrations) happens once per project, not per run.
        started = time.perf_counter()
        settings = yaml.safe_load((PROJECT / "conf/base/mlflow.yml").read_text())
        tracking.connect(uri, settings["experiment_name"])
        store_creation = time.perf_counter() - started
        os.chdir(project)  # the catalog's data/ paths are relative to the working directory
        bootstrap_project(project)
        train = {"steps": args.steps, "checkpoint_every": args.steps // GRIDS, "verbose": 0}
        params = {"mnist": {"train": train}}
        started = time.perf_counter()
        with KedroSession.create(project, env="base", runtime_params=params) as session:
            batch_size = session.load_context().params["mnist"]["train"]["batch_size"]
            session.run(pipeline_names=["data_processing", "training"], namespaces=["mnist"])
        wall = time.perf_counter() - started
        speed = pd.read_csv(project / "data/08_reporting/mnist/speed.csv")
        os.chdir(home)

    tracker = next(hook for hook in HOOKS if isinstance(hook, MlflowTracking))
    training = float((batch_size / speed["img_per_s"]).sum())
    result = {
        "steps": args.steps,
        "sample_grids": GRIDS,
        "history_rows": len(speed),
        "store_creation_s": store_creation,
        "tracking_s": tracker.seconds,
        "training_s": training,
        "run_wall_s": wall,
        "overhead_vs_training": tracker.seconds / training,
        "load_average_1min": os.getloadavg()[0],
    }
    write_report(result, "tracking_overhead")


if __name__ == "__main__":
    main()
