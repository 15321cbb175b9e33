"""A dataset's input file or model that is missing or unusable: an expected error (short on
the command line) that Kedro also passes on unwrapped, being a DatasetError."""

from kedro.io import DatasetError

from gan_pipeline.errors import ExpectedError


class InputFileError(ExpectedError, DatasetError):
    """Names the file (or model URI), what is wrong with it and what to do."""
