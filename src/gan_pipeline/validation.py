"""Checks a run's parameters and names before any node runs, every problem in one message.

Imports no Kedro: ``guards.py`` hands in what the run reads and what the command line gave.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from gan_pipeline.errors import ExpectedError
from gan_pipeline.gan.config import (
    Checked,
    ClassifierConfig,
    EvaluationConfig,
    FaceOptions,
    FiguresConfig,
    GenerateOptions,
    ModelConfig,
    PixelsConfig,
    QualityConfig,
    TrainConfig,
    problems,
)

# Parameter groups (below the dataset namespace) and the settings they must be.
SCHEMAS: dict[str, type[Checked]] = {
    "preprocess": FaceOptions,  # MNIST's recipe reads no parameters
    "model": ModelConfig,
    "train": TrainConfig,
    "evaluation.during_training": QualityConfig,
    "evaluation.scores": EvaluationConfig,
    "evaluation.classifier": ClassifierConfig,
    "evaluation.pixels": PixelsConfig,
    "evaluation.figures": FiguresConfig,
    "generate": GenerateOptions,
}


class ParameterError(ExpectedError, ValueError):
    """Parameters or names that the run cannot use; nothing was run or written."""


class MissingInputError(ParameterError):
    """A file the run reads is not there yet (a generator not trained); one line per dataset
    with the file and the command that makes it. Nothing was run or written."""


def check_parameters(read: Mapping[str, Any], overrides: Mapping[str, Any]) -> list[str]:
    """Problems with the parameters a run's nodes ``read`` (``mnist.train`` -> its value) and
    with the ``--params`` ``overrides`` (nested): every schema'd group against its settings,
    and every override that names nothing the run reads (a misspelt key or group)."""
    found = []
    overridden = list(_paths(overrides))
    for name, value in sorted(read.items()):
        schema = SCHEMAS.get(name.partition(".")[2])
        if schema is None:
            continue
        if isinstance(value, Mapping):
            given = frozenset(
                path.removeprefix(f"{name}.") for path in overridden if path.startswith(f"{name}.")
            )
            found += problems(schema, value, prefix=f"{name}.", given=given)
        else:
            found.append(f"{name}: expected a mapping of settings, got {value!r}")
    known = sorted(_known_paths(read))
    for path in overridden:
        if not any(_related(path, name) for name in read):
            near = difflib.get_close_matches(path, known, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            found.append(f"{path}: not a parameter this run reads{hint}")
    return found


def check_names(kind: str, given: Iterable[str], valid: Iterable[str]) -> list[str]:
    """``given`` names (pipelines, namespaces) that are not ``valid``, with the valid ones."""
    valid = sorted(valid)
    return [
        f"unknown {kind} {name!r}; the {kind}s are: {', '.join(valid)}"
        for name in given
        if name not in valid
    ]


def report(found: list[str]) -> ParameterError:
    """One error listing every problem, saying that nothing ran."""
    lines = "\n".join(f"  - {problem}" for problem in found)
    return ParameterError(
        f"{len(found)} problem(s) with this run's names or parameters; "
        f"nothing was run or written:\n{lines}"
    )


def _related(path: str, name: str) -> bool:
    """An override ``path`` sets parameter ``name``, part of it, or a group holding it."""
    return path == name or path.startswith(f"{name}.") or name.startswith(f"{path}.")


def _paths(tree: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of the leaves of a nested mapping."""
    for key, value in tree.items():
        if isinstance(value, Mapping) and value:
            yield from _paths(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def _known_paths(read: Mapping[str, Any]) -> Iterator[str]:
    """Every parameter a run could set: the leaves it reads and every schema'd setting."""
    for name, value in read.items():
        yield name
        if isinstance(value, Mapping):
            yield from _paths(value, f"{name}.")
        if schema := SCHEMAS.get(name.partition(".")[2]):
            yield from (f"{name}.{key}" for key in schema.__dataclass_fields__)
