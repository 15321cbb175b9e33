"""Expected log noise, dropped by its exact message (a failed node's, by its error) so that every
other warning still shows.

`settings.py` attaches these filters, so every Kedro command of the project (run, viz, jupyter,
a KedroSession in a test) has them. Kedro's `conf/logging.yml` cannot: it refuses filter classes
from modules other than `logging` and `kedro.logging`.
"""

from __future__ import annotations

import logging
import re
import sys

from gan_pipeline.errors import expected_cause


class DropExpected(logging.Filter):
    """Drops records whose message matches one of ``patterns`` (regular expressions, searched);
    every other record passes."""

    def __init__(self, patterns: list[str]) -> None:
        super().__init__()
        self.expected = re.compile("|".join(f"(?:{pattern})" for pattern in patterns))

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.expected.search(record.getMessage())


# Keras 3 logs two warnings (through absl) on every HDF5 save, six per MNIST training run
# (Generator, Generator_best, Discriminator): `save_format` is deprecated, and HDF5 is "legacy".
# Both are expected: catalog.yml saves real HDF5 on purpose (`save_args: {save_format: h5}`;
# without it kedro-datasets writes a .keras zip under the .h5 name).
KERAS_HDF5_SAVES = DropExpected(
    [
        r"^The `save_format` argument is deprecated in Keras 3\. .*Received: save_format=h5$",
        r"^You are saving your model as an HDF5 file via `model\.save\(\)`",
    ]
)


class ExpectedNodeFailures(logging.Filter):
    """Drops Kedro's "Node ... failed with error" record when the error is an expected one:
    ``kedro run`` then prints its message once, as its last line (cli.py). Kedro logs the record
    while handling the error, so the error is the one being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            str(record.msg).startswith("Node %s failed with error")
            and expected_cause(sys.exc_info()[1]) is not None
        )


# urllib3 logs each retry of a request to a tracking server that went away ("Retrying
# (Retry(total=1, ...)) after connection broken by ... Connection refused"); the tracking hook
# reports the lost server once, with what was not logged (docs/reliability.md).
URLLIB3_RETRIES = DropExpected([r"^Retrying \(Retry\(total="])
