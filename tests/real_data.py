"""Where the tests' real data lives: inside the repository, so a clone with nothing beside it
runs every test (importable: `pythonpath = tests`)."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# MNIST's official test set as published (IDX, gzip): 10,000 digits and their labels.
MNIST_T10K = PROJECT / "tests" / "data" / "mnist"
# The 24 ID photos of the original faces script, the faces pipeline's example input.
EXAMPLE_PHOTOS = PROJECT / "examples" / "faces"
