"""Project settings: hooks, a config loader whose environments override single keys, and
log filters for expected noise."""

import logging

from kedro.config import OmegaConfigLoader

from gan_pipeline.distribution_hook import MultiWorkerStartup
from gan_pipeline.guards import RunGuards
from gan_pipeline.hooks import MlflowTracking
from gan_pipeline.logging_filters import KERAS_HDF5_SAVES, ExpectedNodeFailures

# One MLflow run per dataset namespace per `kedro run` (docs/tracking.md);
# a multi-worker strategy made before any node does TensorFlow work. Pluggy calls the last
# registered first: RunGuards checks names, parameters and the training lock before the others.
HOOKS = (MlflowTracking(), MultiWorkerStartup(), RunGuards())

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
