"""``kedro run`` (and ``python -m gan_pipeline``) as Kedro's own, except how an expected error
ends it: its message alone, the cause and what to do, and the traceback in the log file.

Kedro lets an error rise to Python, where Rich prints every frame of it and of the errors it
was raised from (about 200 lines around one clear last line). An expected error
(``errors.py``) says all a user needs; any other error keeps Kedro's traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import click
from kedro.framework.cli.project import run as kedro_run

from gan_pipeline.errors import expected_cause

# conf/logging.yml sends this logger to the log file only; without that entry (another
# KEDRO_LOGGING_CONFIG) its tracebacks reach the console too.
TRACEBACKS = logging.getLogger("gan_pipeline.tracebacks")


@click.group(name="gan_pipeline")
def cli() -> None:
    """The project's commands: Kedro's ``run`` with short expected errors."""


def _run(**options: Any) -> Any:
    try:
        return kedro_run.callback(**options)
    except Exception as error:
        expected = expected_cause(error)
        if expected is None:
            raise
        TRACEBACKS.error("kedro run stopped: %s", expected, exc_info=error)
        raise click.ClickException(f"{expected}{_where_logged()}") from None


def _where_logged() -> str:
    files = [
        handler.baseFilename
        for handler in TRACEBACKS.handlers
        if isinstance(handler, logging.FileHandler)
    ]
    return f"\n(traceback in {files[0]})" if files else ""


run = click.Command(
    "run",
    params=kedro_run.params,
    callback=_run,
    help=kedro_run.help,
    short_help="Run the pipeline.",
)
cli.add_command(run)
