"""Evaluation: one definition for every dataset; only the feature network differs.

A labelled dataset (MNIST) trains a classifier as its feature network; an unlabelled tiny one
(faces) uses downsampled pixels. The training pipeline builds that ``feature_extractor`` (see
``feature_network``) for its in-training quality curve; the nodes here score the final model.
"""

from kedro.pipeline import Node, Pipeline

from gan_pipeline.pipelines.evaluation.nodes import (
    evaluate_generator,
    pixel_features,
    plot_quality,
    render_real,
    render_samples,
    train_classifier,
)

DATASETS = ("mnist", "faces")
LABELLED = ("mnist",)  # datasets with labels to train a classifier on


def feature_network(dataset: str) -> Pipeline:
    """The node that makes ``dataset``'s ``feature_extractor`` (not yet namespaced).

    It belongs to the training pipeline, which needs it first, so that
    ``kedro run --pipelines=data_processing,training`` works without this pipeline.
    """
    if dataset in LABELLED:
        node = Node(
            train_classifier,
            inputs=["images", "labels", "params:evaluation.classifier"],
            outputs=["feature_extractor", "classifier_report"],
            name="train_classifier",
        )
    else:
        node = Node(
            pixel_features,
            inputs=["images", "params:evaluation.pixels"],
            outputs="feature_extractor",
            name="pixel_features",
        )
    return Pipeline([node])


def create_pipeline(**kwargs) -> Pipeline:
    scoring = Pipeline(
        [
            Node(
                evaluate_generator,
                inputs=["generator", "images", "feature_extractor", "params:evaluation.scores"],
                outputs="metrics",
                name="evaluate",
            ),
            Node(
                render_samples,
                inputs=["generator", "params:evaluation.figures"],
                outputs=["evaluation_grid", "interpolation_strip"],
                name="render_samples",
            ),
            Node(
                render_real,
                inputs=["images", "params:evaluation.figures"],
                outputs="real_grid",
                name="render_real",
            ),
            Node(plot_quality, inputs="quality", outputs="quality_plot", name="plot_quality"),
        ]
    )
    return sum((Pipeline(scoring, namespace=name) for name in DATASETS), Pipeline([]))
