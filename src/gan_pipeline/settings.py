"""Project settings: hooks, a session that picks generate's datasets, a config loader whose
environments override single keys, and log filters for expected noise."""

import logging

from kedro.config import OmegaConfigLoader

from gan_pipeline.distribution_hook import MultiWorkerStartup
from gan_pipeline.guards import RunGuards
from gan_pipeline.hooks import MlflowTracking
from gan_pipeline.lifecycle import RunLifecycle
from gan_pipeline.logging_filters import (
    KERAS_HDF5_SAVES,
    URLLIB3_RETRIES,
    ExpectedNodeFailures,
)
from gan_pipeline.session import ProjectSession

# One MLflow run per dataset namespace per `kedro run` (docs/tracking.md);
# a multi-worker strategy made before any node does TensorFlow work. Pluggy calls the last
# registered first: RunGuards checks names and parameters before the others, then
# RunLifecycle takes the training lock and SIGTERM, all before an MLflow run is created.
HOOKS = (MlflowTracking(), MultiWorkerStartup(), RunLifecycle(), RunGuards())

# `kedro run --pipelines=generate` without --namespaces generates for the trained datasets
# only and logs the others (session.py).
SESSION_CLASS = ProjectSession

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # Soft merge: an env (conf/test, conf/cpu, conf/local) overrides one nested key, not a
    # whole top-level namespace block.
    "merge_strategy": {"parameters": "soft"},
    # conf/<env>/mlflow.yml: where the tracking hook logs to.
    "config_patterns": {"mlflow": ["mlflow*", "mlflow*/**"]},
}

# Keras' warnings on every HDF5 save (logged through absl) are expected: logging_filters.py.
logging.getLogger("absl").addFilter(KERAS_HDF5_SAVES)
# An expected error's message is printed once, by `kedro run` (cli.py), not also by Kedro's node.
logging.getLogger("kedro.pipeline.node").addFilter(ExpectedNodeFailures())
# urllib3's line per retry to a lost tracking server: the tracking hook reports it once.
logging.getLogger("urllib3.connectionpool").addFilter(URLLIB3_RETRIES)
