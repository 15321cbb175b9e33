import numpy as np
import pandas as pd
from PIL import Image

from gan_pipeline.metrics.features import pixel_extractor
from gan_pipeline.pipelines.training.nodes import plot_losses, train_gan


def test_train_node_returns_models_history_quality_speed_and_png_grids(mnist_sample, tmp_path):
    model = {"latent_dim": 8, "width": 4}
    params = {
        "steps": 2,
        "batch_size": 16,
        "checkpoint_every": 2,
        "verbose": 0,
        "checkpoint_dir": str(tmp_path),
        "sample_count": 4,
    }
    extractor = pixel_extractor((28, 28, 1), size=2)
    quality = {"every": 2, "samples": 16, "metrics": ["fd", "kid"], "kid_subset_size": 8}
    generator, best, discriminator, history, measured, speed, grids = train_gan(
        mnist_sample, extractor, model, params, quality
    )
    assert generator.output_shape == best.output_shape == (None, 28, 28, 1)
    assert discriminator.output_shape == (None, 1)
    # Every step's losses; quality only where measured; the wall-clock speed apart.
    assert list(history["step"]) == [1, 2] and {"d_loss", "g_loss"} <= set(history)
    assert not {"fd", "kid", "img_per_s"} & set(history)
    assert list(measured.columns) == ["step", "fd", "kid"] and list(measured["step"]) == [2]
    assert measured[["fd", "kid"]].notna().all(axis=None)
    assert list(speed.columns) == ["step", "img_per_s"] and (speed["img_per_s"] > 0).all()
    assert list(grids) == ["step_000002"]
    assert isinstance(grids["step_000002"], Image.Image) and grids["step_000002"].mode == "L"


def test_loss_plot_has_both_panels():
    steps = np.arange(1, 51)
    history = pd.DataFrame(
        {"step": steps, "d_loss": 1.0, "g_loss": 2.0, "d_real": 0.6, "d_fake": 0.4}
    )
    figure = plot_losses(history)
    assert [axes.get_title() for axes in figure.axes] == [
        "losses (rolling mean of 25)",
        "discriminator outputs",
    ]
    assert len(figure.axes[0].lines) == 2
