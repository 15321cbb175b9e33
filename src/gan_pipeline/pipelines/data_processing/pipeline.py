"""Data processing: one node per dataset, made by the recipe its registry entry names
(conf/base/datasets.yml); namespaces keep each dataset's files apart."""

from kedro.pipeline import Node, Pipeline

from gan_pipeline import datasets_registry
from gan_pipeline.pipelines.data_processing.nodes import preprocess_faces, preprocess_mnist

# Recipe name -> the node's function, inputs and outputs (before namespacing).
RECIPES = {
    "mnist": (preprocess_mnist, "raw", ["images", "labels", "data_info"]),
    "faces": (preprocess_faces, ["raw", "params:preprocess"], ["images", "data_info", "skipped"]),
}


def preprocessing(dataset: datasets_registry.Dataset) -> Pipeline:
    """``dataset``'s preprocessing node (not yet namespaced)."""
    if dataset.preprocess not in RECIPES:
        raise ValueError(
            f"{datasets_registry.FILE}: {dataset.name}.preprocess={dataset.preprocess!r}; "
            f"choose one of {', '.join(RECIPES)}"
        )
    function, inputs, outputs = RECIPES[dataset.preprocess]
    if dataset.labelled and "labels" not in outputs:
        raise ValueError(
            f"{datasets_registry.FILE}: {dataset.name} is labelled, but the "
            f"{dataset.preprocess!r} recipe makes no labels"
        )
    return Pipeline([Node(function, inputs=inputs, outputs=outputs, name="preprocess")])


def create_pipeline(**kwargs) -> Pipeline:
    every = datasets_registry.datasets()
    return sum((Pipeline(preprocessing(d), namespace=d.name) for d in every), Pipeline([]))
