"""Bad parameters and names stop a run before any node, with every problem in one message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from commands import expected_error, kedro_mnist_training, kedro_run

from gan_pipeline.gan.config import TrackingConfig, problems
from gan_pipeline.validation import check_names, check_parameters

# Kedro's rich console wraps at 80 columns when not on a terminal: one problem per line here.


def run_wide(command: list[str], project: Path) -> subprocess.CompletedProcess:
    """Run a command in ``project``, its output as text in 250 columns (messages unwrapped)."""
    return subprocess.run(
        command,
        cwd=project,
        env={**os.environ, "COLUMNS": "250"},
        capture_output=True,
        text=True,
        check=False,
    )


GOOD = {
    "mnist.model": {"latent_dim": 8, "width": 8},
    "mnist.train": {"steps": 4, "checkpoint_every": 2, "lr_g": 2e-4, "ema_decay": 0.999},
    "mnist.evaluation.during_training": {"every": 2, "metrics": ["fd", "kid"], "best_by": "fd"},
}


def with_value(path: str, value) -> dict:
    group, key = path.rsplit(".", 1)
    return {**GOOD, group: {**GOOD[group], key: value}}


def test_good_parameters_pass():
    assert check_parameters(GOOD, {"mnist": {"train": {"steps": 4}}}) == []


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("mnist.train.steps", 0, "mnist.train.steps=0: must be >= 1"),
        ("mnist.train.batch_size", -1, "mnist.train.batch_size=-1: must be >= 1"),
        ("mnist.model.latent_dim", 0, "mnist.model.latent_dim=0: must be >= 1"),
        ("mnist.train.lr_g", "abc", "mnist.train.lr_g='abc': expected a number, got str"),
        ("mnist.train.lr_d", 0.0, "mnist.train.lr_d=0.0: must be > 0"),
        ("mnist.train.ema_decay", 1.0, "mnist.train.ema_decay=1.0: must be >= 0 and < 1"),
        ("mnist.train.steps", True, "mnist.train.steps=True: expected int, got bool"),
        ("mnist.train.precision", "fp8", "precision='fp8': unknown ['fp8']; choose from"),
        ("mnist.train.step", 8000, "train.step: unknown key (did you mean mnist.train.steps?)"),
        ("mnist.train.checkpoint_every", 3, "steps=4 must be a multiple of checkpoint_every=3"),
        ("mnist.evaluation.during_training.best_by", "coverage", "best_by='coverage': unknown"),
    ],
)
def test_each_bad_parameter_is_named(path, value, message):
    (problem,) = check_parameters(with_value(path, value), {})
    assert message in problem


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            "faces.preprocess.image_size",
            299,
            "faces.preprocess.image_size=299 cannot be built: the generator draws base x 2^k "
            "pixels (base 4..8, k 1..7: at most 1024) and crops the next such size above by an "
            "even border of at most 1/8 of it (300 = 320 - 2 x 10); valid sizes nearby: [280, "
            "282, 284,",
        ),
        ("faces.preprocess.fit", "stretch", "faces.preprocess.fit='stretch'; choose pad, crop"),
        ("faces.preprocess.min_siz", 8, "(did you mean faces.preprocess.min_size?)"),
        ("mnist.generate.n", 0, "mnist.generate.n: {'n': 0} must be at least 1"),
        ("mnist.generate.interpolation", {"step": 3}, "(did you mean mnist.generate.interpolat"),
        ("mnist.generate.interpolation", {"steps": 0}, "interpolation.steps: {'steps': 0} must"),
        ("mnist.generate.classes", [-1], "mnist.generate.classes=[-1]; want class numbers >= 0"),
        ("mnist.evaluation.scores.metrics", ["fd", "is"], "metrics=['fd', 'is']: unknown ['is']"),
        ("mnist.evaluation.scores.samples", 1, "mnist.evaluation.scores.samples=1: must be >= 2"),
        ("mnist.evaluation.classifier.holdout", 1.0, "holdout=1.0: must be > 0 and < 1"),
        ("faces.evaluation.pixels.siz", 4, "(did you mean faces.evaluation.pixels.size?)"),
        ("mnist.evaluation.figures.grid_count", 0, "figures.grid_count=0: must be >= 1"),
    ],
)
def test_every_parameter_group_is_checked(path, value, message):
    group, key = path.rsplit(".", 1)
    (problem,) = check_parameters({group: {key: value}}, {})
    assert message in problem


def test_the_tracking_mode_is_one_of_two():
    (problem,) = problems(TrackingConfig, {"tracking": "sometimes"}, "conf/*/mlflow.yml: ")
    assert problem == (
        "conf/*/mlflow.yml: tracking='sometimes': unknown ['sometimes']; "
        "choose from ['required', 'optional']"
    )


def test_every_problem_is_listed_and_overrides_must_name_what_the_run_reads():
    bad = with_value("mnist.train.steps", 0)
    bad = {**bad, "mnist.model": {"latent_dim": 0}}
    found = check_parameters(bad, {"mnist": {"trian": {"steps": 5}}})
    assert len(found) == 3
    unread = "mnist.trian.steps: not a parameter this run reads (did you mean mnist.train.steps?)"
    assert unread in found


def test_a_decay_longer_than_the_run_is_refused_only_when_set_on_the_command_line():
    decay = with_value("mnist.train.lr_decay_steps", 1000)  # steps=4, as --params shortened it
    assert check_parameters(decay, {"mnist": {"train": {"steps": 4}}}) == []
    (problem,) = check_parameters(decay, {"mnist": {"train": {"lr_decay_steps": 1000}}})
    assert problem == "mnist.train.lr_decay_steps=1000 (set by --params) must be <= steps=4"


def test_unknown_names_list_the_valid_ones():
    assert check_names("pipeline", ["trainig", "training"], ["training", "generate"]) == [
        "unknown pipeline 'trainig'; the pipelines are: generate, training"
    ]


def test_bad_parameters_stop_kedro_run_before_anything_is_written(project_copy):
    models = project_copy / "data/test/06_models/mnist"
    models.mkdir(parents=True)
    previous = b"the previous run's generator"
    (models / "Generator.h5").write_bytes(previous)
    params = "mnist.train.steps=0,mnist.train.step=8000,mnist.model.latent_dim=0,"
    params += "mnist.train.batch_size=-1,mnist.train.lr_g=abc"
    run = run_wide(kedro_mnist_training(params), project_copy)
    error = expected_error(run, project_copy)  # no traceback: the problems end the output
    assert error.startswith("Error: 5 problem(s) with this run's names or parameters; nothing")
    for problem in (
        "mnist.train.steps=0: must be >= 1",
        "mnist.train.step: unknown key (did you mean mnist.train.steps?)",
        "mnist.model.latent_dim=0: must be >= 1",
        "mnist.train.batch_size=-1: must be >= 1",
        "mnist.train.lr_g='abc': expected a number",
    ):
        assert f"\n  - {problem}" in error
    assert (models / "Generator.h5").read_bytes() == previous
    assert sorted(p.name for p in models.iterdir()) == ["Generator.h5"]
    assert not (project_copy / "data/test/02_intermediate").exists()
    assert not (project_copy / "mlflow.db").exists()


def test_an_image_size_the_generator_cannot_build_stops_the_run_before_any_photo(project_copy):
    command = kedro_run("--namespaces=faces", "--params", "faces.preprocess.image_size=299")
    error = expected_error(run_wide(command, project_copy), project_copy)
    assert error.startswith("Error: 1 problem(s) with this run's names or parameters; nothing")
    assert "faces.preprocess.image_size=299 cannot be built" in error
    assert "valid sizes nearby: [280, 282, 284, 286, 288, 290, 292, 294, 296, 298, 300," in error
    assert not (project_copy / "data/test/02_intermediate").exists()


def test_unknown_pipeline_and_namespace_list_the_valid_ones(project_copy):
    command = [sys.executable, "-m", "kedro", "run", "--pipelines=trainig", "--namespaces=mnst"]
    run = run_wide(command, project_copy)
    output = expected_error(run, project_copy)
    assert "unknown pipeline 'trainig'; the pipelines are: __default__, data_processing," in output
    assert "unknown namespace 'mnst'; the namespaces are: faces, mnist" in output


@pytest.mark.slow
def test_generate_with_no_trained_generator_says_what_to_train_for_each_dataset(project_copy):
    command = [sys.executable, "-m", "kedro", "run", "--env", "test", "--pipelines=generate"]
    run = run_wide([*command, "--params", "mnist.generate.classes=[7]"], project_copy)
    assert run.returncode != 0
    output = run.stdout + run.stderr
    for namespace in ("faces", "mnist"):
        assert (
            f"{namespace}: no trained generator (data/test/06_models/{namespace}/Generator.h5 "
            "missing); train it first: kedro run --env test "
            f"--pipelines=data_processing,training --namespaces={namespace}"
        ) in output, output[-3000:]
    assert not (project_copy / "data/test").exists()
    assert not (project_copy / "mlflow.db").exists()
