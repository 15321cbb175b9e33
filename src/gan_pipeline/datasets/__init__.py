"""Custom Kedro datasets, only where kedro-datasets has none."""

from gan_pipeline.datasets.mnist import MNISTDataset

__all__ = ["MNISTDataset"]
