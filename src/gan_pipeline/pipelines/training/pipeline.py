"""Training: the same two nodes for every dataset, instantiated per namespace."""

from kedro.pipeline import Node, Pipeline

from gan_pipeline import datasets_registry
from gan_pipeline.pipelines.evaluation.pipeline import feature_network
from gan_pipeline.pipelines.training.nodes import plot_losses, train_gan


def training(dataset: datasets_registry.Dataset) -> Pipeline:
    inputs = [
        "images",
        "feature_extractor",
        "params:model",
        "params:train",
        "params:evaluation.during_training",
    ]
    return Pipeline(
        [
            Node(
                train_gan,
                # a labelled dataset's labels, which a conditional GAN uses
                inputs=inputs + (["labels"] if dataset.labelled else []),
                outputs=[
                    "generator",
                    "generator_best",
                    "discriminator",
                    "history",
                    "quality",
                    "speed",
                    "sample_grids",
                ],
                name="train",
            ),
            Node(plot_losses, inputs="history", outputs="loss_plot", name="plot_losses"),
        ]
    )


def create_pipeline(**kwargs) -> Pipeline:
    # The feature network (evaluation's judge) is built here, so training runs on its own.
    return sum(
        (
            Pipeline([feature_network(each), training(each)], namespace=each.name)
            for each in datasets_registry.datasets()
        ),
        Pipeline([]),
    )
