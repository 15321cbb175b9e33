"""``kedro run --pipelines=generate`` without ``--namespaces`` generates for the datasets that
have a trained generator and logs the ones it skips, instead of stopping at the first missing
file.

Which nodes run is fixed before any hook is called: ``KedroSession.run`` filters the pipeline
by ``namespaces`` and hands that pipeline to ``before_pipeline_run`` and then to the runner, so
a hook can stop a run but not narrow it. The session class is Kedro's documented setting for
changing how a run is started (``SESSION_CLASS`` in settings.py); this one only chooses the
namespaces and leaves the rest to Kedro. Given ``--namespaces``, or from a plain
``KedroSession``, a missing generator stops the run instead (``guards.untrained``).
"""

from __future__ import annotations

import logging
from typing import Any

from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.pipeline import Pipeline

from gan_pipeline.guards import untrained

log = logging.getLogger(__name__)


class ProjectSession(KedroSession):
    """Kedro's session; only a generate run without namespaces gets them chosen first."""

    def run(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        names = kwargs.get("pipeline_names") or []  # `kedro run` passes keywords only
        if not kwargs.get("namespaces") and "generate" in names:
            kwargs["namespaces"] = self._trained(names)
        return super().run(*args, **kwargs)

    def _trained(self, pipeline_names: list[str]) -> list[str] | None:
        """The namespaces of the run that have what generate needs, with a log line for the
        others; None (all of them) when every one or none has it, so that the run stops with
        an error naming each missing file in the second case."""
        pipelines.set_requested(pipeline_names)  # what KedroSession.run loads, loaded once
        context = self.load_context()
        try:
            pipeline = sum((pipelines[name] for name in pipeline_names), Pipeline([]))
        except KeyError:  # an unknown name: KedroSession.run says so
            return None
        missing = untrained(pipeline, context.catalog, context.env, self._project_path)
        every = {node.namespace.split(".")[0] for node in pipeline.nodes if node.namespace}
        if not missing or missing.keys() >= every:
            return None
        ready = sorted(every - missing.keys())
        log.warning(
            "Generating for %s only; skipped %s",
            ", ".join(ready),
            "; ".join(missing[name] for name in sorted(missing)),
        )
        return ready
