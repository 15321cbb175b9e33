"""Training: the same two nodes for every dataset, instantiated per namespace."""

from kedro.pipeline import Node, Pipeline

from gan_pipeline.pipelines.evaluation.pipeline import feature_network
from gan_pipeline.pipelines.training.nodes import plot_losses, train_gan

LABELLED = ("mnist",)  # datasets with class labels, which a conditional GAN can use


def training(dataset: str) -> Pipeline:
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
                inputs=inputs + (["labels"] if dataset in LABELLED else []),
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
            Pipeline([feature_network(name), training(name)], namespace=name)
            for name in ("mnist", "faces")
        ),
        Pipeline([]),
    )
