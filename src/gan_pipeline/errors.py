"""Expected errors: ones a user causes and can fix (a bad parameter or input file, a training
already running, an unreachable tracking store). Their messages name the cause and what to do,
so ``kedro run`` prints the message alone (``cli.py``) and leaves the traceback to the log
file; every other error keeps its full traceback.

Imports nothing, so ``gan/`` and the datasets can raise these without importing Kedro.
"""

from __future__ import annotations


class ExpectedError(Exception):
    """Base of the project's expected errors; each also keeps its natural type (ValueError,
    RuntimeError, Kedro's DatasetError), so callers that catch those still do."""


def expected_cause(error: BaseException | None) -> ExpectedError | None:
    """The expected error that ``error`` is, or that it was raised from (Kedro wraps a dataset's
    errors in a DatasetError ``from`` them); None for any other error."""
    while error is not None:
        if isinstance(error, ExpectedError):
            return error
        error = error.__cause__
    return None
