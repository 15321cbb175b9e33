"""Data processing: one MNIST node; its namespace keeps its datasets apart from other datasets'."""

from kedro.pipeline import Node, Pipeline

from gan_pipeline.pipelines.data_processing.nodes import preprocess_mnist


def create_pipeline(**kwargs) -> Pipeline:
    mnist = Pipeline(
        [
            Node(
                preprocess_mnist,
                inputs="raw",
                outputs=["images", "labels", "data_info"],
                name="preprocess",
            )
        ]
    )
    return Pipeline(mnist, namespace="mnist")
