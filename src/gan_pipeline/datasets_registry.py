"""The project's datasets, listed once in ``conf/base/datasets.yml``: their names (the Kedro
namespaces), how each is preprocessed, whether it has class labels, whether ``kedro run``
without ``--namespaces`` takes it, and the env that fits it to a CPU.

The pipelines, the run guards and the default run read this list, so adding a dataset is one
entry there plus its catalog entries and parameters (docs/architecture.md). Kedro builds the
pipelines before it has a config loader, so the file is read by path: from the project that
holds the working directory (as the ``kedro`` command finds its project), else from the
checkout this package lives in. Imports no Kedro and no TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from gan_pipeline.gan.config import Checked, problems

FILE = Path("conf/base/datasets.yml")
CHECKOUT = Path(__file__).resolve().parents[2]  # the project root of an editable install


@dataclass(frozen=True)
class Dataset(Checked):
    """One entry of ``datasets.yml``."""

    name: str = ""  # the namespace: `kedro run --namespaces=<name>`, `<name>.raw` in the catalog
    # which data_processing recipe makes its arrays (pipelines/data_processing/pipeline.py)
    preprocess: str = ""
    # class labels come with the images: a classifier judges it and a GAN may be conditional
    labelled: bool = False
    default: bool = False  # in `kedro run` without --namespaces
    # its base preset is sized for a GPU; on a machine without one, the env that fits it to a
    # CPU (conf/cpu for faces: 64x64 instead of 300x300), which the guards' hints name
    cpu_env: str | None = None


def load(path: Path) -> tuple[Dataset, ...]:
    """The entries of the registry file at ``path``, in file order; every problem at once,
    naming the file, in a ``ValueError``."""
    try:
        entries = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot read the dataset registry ({error})") from error
    if not isinstance(entries, dict) or not entries:
        raise ValueError(f"{path}: expected a mapping of dataset name -> settings")
    found, datasets = [], []
    for name, settings in entries.items():
        if not isinstance(name, str) or not name.isidentifier():
            found.append(f"{name!r}: a dataset name must be a Python identifier (a namespace)")
        elif not isinstance(settings, dict):
            found.append(f"{name}: expected a mapping of settings, got {settings!r}")
        elif not isinstance(settings.get("preprocess"), str):
            found.append(f"{name}.preprocess: missing; name a data_processing recipe")
        elif issues := problems(Dataset, {**settings, "name": name}, prefix=f"{name}."):
            found += issues
        else:
            datasets.append(Dataset(**{**settings, "name": name}))
    if found:
        raise ValueError(f"{path}: " + "; ".join(found))
    return tuple(datasets)


def find(start: Path | None = None) -> Path:
    """The registry file of the project that holds ``start`` (default: the working directory),
    else of this package's checkout."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents, CHECKOUT):
        if (folder / FILE).is_file():
            return folder / FILE
    raise FileNotFoundError(
        f"no {FILE} in {start} or its parents: run from the project folder (or below it)"
    )


def datasets(start: Path | None = None) -> tuple[Dataset, ...]:
    """The project's datasets, read from its ``conf/base/datasets.yml`` (``find``)."""
    return load(find(start))


def names(start: Path | None = None) -> list[str]:
    return [each.name for each in datasets(start)]


def defaults(start: Path | None = None) -> list[str]:
    """The datasets a `kedro run` without ``--namespaces`` runs."""
    return [each.name for each in datasets(start) if each.default]
