"""Training: the same two nodes for every dataset, instantiated per namespace."""

from kedro.pipeline import Node, Pipeline

from gan_pipeline.pipelines.training.nodes import plot_losses, train_gan


def create_pipeline(**kwargs) -> Pipeline:
    base = Pipeline(
        [
            Node(
                train_gan,
                inputs=["images", "params:model", "params:train"],
                outputs=["generator", "discriminator", "history", "sample_grids"],
                name="train",
            ),
            Node(plot_losses, inputs="history", outputs="loss_plot", name="plot_losses"),
        ]
    )
    return Pipeline(base, namespace="mnist")
