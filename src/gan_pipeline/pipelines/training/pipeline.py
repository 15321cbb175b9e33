"""Training: the same two nodes for every dataset, instantiated per namespace."""

from kedro.pipeline import Node, Pipeline

from gan_pipeline.pipelines.evaluation.pipeline import feature_network
from gan_pipeline.pipelines.training.nodes import plot_losses, train_gan


def create_pipeline(**kwargs) -> Pipeline:
    base = Pipeline(
        [
            Node(
                train_gan,
                inputs=[
                    "images",
                    "feature_extractor",
                    "params:model",
                    "params:train",
                    "params:evaluation.during_training",
                ],
                outputs=["generator", "generator_best", "discriminator", "history", "sample_grids"],
                name="train",
            ),
            Node(plot_losses, inputs="history", outputs="loss_plot", name="plot_losses"),
        ]
    )
    # The feature network (evaluation's judge) is built here, so training runs on its own.
    return sum(
        (Pipeline([feature_network(name), base], namespace=name) for name in ("mnist", "faces")),
        Pipeline([]),
    )
