"""gan-pipeline: reproducible DCGAN training with Kedro, Keras, MLflow and DVC."""

__version__ = "0.1.0"
