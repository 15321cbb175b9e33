"""The faces namespace of training + evaluation through Kedro, on the 24 example photos."""

import json

import h5py
import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from PIL import Image


def test_faces_evaluation_on_the_example_photos(project_copy):
    """No data/01_raw/faces, as in a fresh clone: the pipeline reads the example photos."""
    bootstrap_project(project_copy)
    with KedroSession.create(project_path=project_copy, env="test") as session:
        session.run(
            pipeline_names=["data_processing", "training", "evaluation"], namespaces=["faces"]
        )
    reporting = project_copy / "data/test/08_reporting/faces"
    metrics = json.loads((reporting / "metrics.json").read_text())
    # 16 generated, 24 real: KID subsets of 16, the floor's halves of 12 photos each.
    assert metrics["real_images"] == 16 and metrics["floor_samples"] == 12
    assert metrics["kid_subset_size"] == 16
    assert 0 <= metrics["memorised_share"] <= 1
    assert metrics["nearest_ssim_real"] < 0.9 and metrics["diversity_ssim_real"] < 0.5
    assert "fd" not in metrics and "classes_covered" not in metrics
    assert metrics["laplacian_variance_real"] > 0
    assert metrics["sharpness_ratio"] == pytest.approx(
        metrics["laplacian_variance"] / metrics["laplacian_variance_real"]
    )
    quality = pd.read_csv(reporting / "quality.csv")
    assert list(quality.columns) == ["step", "kid", "sharpness"]
    assert list(quality["step"]) == [2] and quality.notna().all(axis=None)
    # The real grid shows as many photos as the sample grid, in the same layout.
    with (
        Image.open(reporting / "real_grid.png") as real,
        Image.open(reporting / "evaluation_grid.png") as generated,
    ):
        assert real.size == generated.size and real.mode == generated.mode == "RGB"
    assert h5py.is_hdf5(project_copy / "data/test/06_models/faces/feature_extractor.h5")
    assert (project_copy / "data/test/06_models/faces/Generator_best.h5").exists()
    for figure in ("quality_curve.png", "evaluation_grid.png", "interpolation.png"):
        assert (reporting / figure).stat().st_size > 0
