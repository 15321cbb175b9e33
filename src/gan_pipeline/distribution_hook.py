"""Creates a multi-worker strategy before any node runs, when a run asks for one.

TensorFlow requires ``MultiWorkerMirroredStrategy`` to exist before the process does any other
TF work, but the training node runs after nodes that do (the MNIST classifier); this hook makes
the strategy at pipeline start, and the training node gets the same cached instance.
"""

from __future__ import annotations

from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.pipeline import Pipeline

from gan_pipeline.run.plan import namespaces


class MultiWorkerStartup:
    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Pipeline, catalog) -> None:
        for namespace in namespaces(pipeline, catalog):
            if namespace.multi_worker:
                # Imported only here: they pull in TensorFlow.
                from gan_pipeline.gan.distribution import make_strategy  # noqa: PLC0415
                from gan_pipeline.gan.training import TrainConfig  # noqa: PLC0415

                # The same arguments the training node will pass, so it gets this instance.
                config = TrainConfig(**namespace.train)
                make_strategy(config.distribution, config.devices, config.collective_timeout_s)
                return
