"""The progress line and progress.json a run writes at every checkpoint."""

import json
import logging
import re
from dataclasses import replace

import pytest
from crashes import CrashAt

from gan_pipeline.gan.files import PROGRESS_FILE
from gan_pipeline.gan.training import ModelConfig, run_directory, train

TINY_MODEL = ModelConfig(latent_dim=8, width=4)
LINE = re.compile(
    r"^(?P<name>.+): step (?P<step>[\d,]+) of (?P<steps>[\d,]+) \((?P<left>[\d,]+) left\), "
    r"(?P<per_step>[\d.e+-]+) s/step over the last (?P<over>[\d,]+)(?P<first> \(includes "
    r"compiling the step\))?, (?P<eta>about \d+(\.\d)? (s|min|h) left|done)$"
)


def progress_lines(caplog) -> list[dict[str, str]]:
    lines = [r.getMessage() for r in caplog.records if r.name == "gan_pipeline.gan.callbacks"]
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    return [match.groupdict() for match in matches]


@pytest.mark.parametrize("steps_per_execution", [1, 2])
def test_each_checkpoint_logs_the_steps_and_time_left(
    mnist_sample, tiny, caplog, steps_per_execution
):
    settings = replace(tiny, steps=6, steps_per_execution=steps_per_execution)
    with caplog.at_level(logging.INFO, logger="gan_pipeline.gan.callbacks"):
        train(mnist_sample, TINY_MODEL, settings)
    lines = progress_lines(caplog)
    state_dir = run_directory(TINY_MODEL, settings, mnist_sample)
    assert [(x["step"], x["steps"], x["left"]) for x in lines] == [
        ("2", "6", "4"),
        ("4", "6", "2"),
        ("6", "6", "0"),
    ]
    assert {x["name"] for x in lines} == {str(state_dir)}
    # The first round (tracing and compiling included) is the estimate until a later one exists.
    assert [(x["over"], bool(x["first"])) for x in lines] == [
        ("2", True),
        ("2", False),
        ("4", False),
    ]
    assert lines[0]["eta"].startswith("about ") and lines[-1]["eta"] == "done"
    progress = json.loads((state_dir / PROGRESS_FILE).read_text())
    assert (progress["step"], progress["steps"], progress["eta_s"]) == (6, 6, 0)
    assert progress["s_per_step"] == pytest.approx(float(lines[-1]["per_step"]), rel=1e-2)


def test_a_resumed_run_estimates_from_its_own_steps(mnist_sample, tiny, caplog):
    settings = replace(tiny, steps=6)
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(mnist_sample, TINY_MODEL, settings, callbacks=[CrashAt(5)])
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="gan_pipeline.gan.callbacks"):
        train(mnist_sample, TINY_MODEL, settings)
    # Resumed at step 4: one round left, timed from where this process began.
    [line] = progress_lines(caplog)
    assert (line["step"], line["left"], line["over"], line["eta"]) == ("6", "0", "2", "done")
    assert line["first"]
