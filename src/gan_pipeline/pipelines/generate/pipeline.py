"""Generate: the same nodes for every dataset, one namespace each; not in the default run."""

from kedro.pipeline import Node, Pipeline

from gan_pipeline import datasets_registry
from gan_pipeline.pipelines.generate.nodes import (
    generate_samples,
    interpolate,
    load_generator,
    sample_grid,
    sample_pngs,
)


def create_pipeline(**kwargs) -> Pipeline:
    base = Pipeline(
        [
            Node(
                load_generator,
                inputs=["generator_source", "params:generate", "data_info"],
                outputs="loaded_generator",
                name="load_generator",
            ),
            Node(
                generate_samples,
                inputs=["loaded_generator", "params:generate"],
                outputs="generated_arrays",
                name="generate_samples",
            ),
            Node(sample_pngs, inputs="generated_arrays", outputs="generated_images", name="pngs"),
            Node(
                sample_grid,
                inputs=["generated_arrays", "params:generate"],
                outputs="generated_grid",
                name="grid",
            ),
            Node(
                interpolate,
                inputs=["loaded_generator", "params:generate"],
                outputs="interpolation",
                name="interpolate",
            ),
        ]
    )
    return sum((Pipeline(base, namespace=name) for name in datasets_registry.names()), Pipeline([]))
