"""Data processing: one node per dataset; namespaces keep each dataset's files apart."""

from kedro.pipeline import Node, Pipeline

from gan_pipeline.pipelines.data_processing.nodes import preprocess_faces, preprocess_mnist


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
    faces = Pipeline(
        [
            Node(
                preprocess_faces,
                inputs=["raw", "params:preprocess"],
                outputs=["images", "data_info", "skipped"],
                name="preprocess",
            )
        ]
    )
    return Pipeline(mnist, namespace="mnist") + Pipeline(faces, namespace="faces")
