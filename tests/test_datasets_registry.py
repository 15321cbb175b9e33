"""The dataset registry (conf/base/datasets.yml): what it lists, its errors, and a third dataset
added by configuration alone."""

import copy
import gzip
import json
import struct
from pathlib import Path

import joblib
import keras
import pytest
import yaml
from commands import PROJECT
from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from gan_pipeline import datasets_registry
from gan_pipeline.datasets.idx import read_idx
from gan_pipeline.datasets_registry import Dataset
from gan_pipeline.pipelines.data_processing.pipeline import preprocessing


def test_the_project_lists_mnist_by_default_and_faces_with_its_cpu_env():
    assert datasets_registry.load(PROJECT / datasets_registry.FILE) == (
        Dataset(name="mnist", preprocess="mnist", labelled=True, default=True),
        Dataset(name="faces", preprocess="faces", cpu_env="cpu"),
    )


def test_found_from_a_folder_below_the_project(tmp_path, monkeypatch):
    (tmp_path / "conf/base").mkdir(parents=True)
    (tmp_path / datasets_registry.FILE).write_text("digits: {preprocess: mnist}\n")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert datasets_registry.names() == ["digits"]


def test_every_problem_named_with_the_file(tmp_path):
    path = tmp_path / "datasets.yml"
    path.write_text(
        "digits: {preprocess: mnist, labeled: true}\n"
        "photos: {labelled: true}\n"
        "my-set: {preprocess: faces}\n"
        "faces: {preprocess: faces, default: maybe}\n"
    )
    with pytest.raises(ValueError) as error:
        datasets_registry.load(path)
    assert str(error.value) == (
        f"{path}: digits.labeled: unknown key (did you mean digits.labelled?); "
        "photos.preprocess: missing; name a data_processing recipe; "
        "'my-set': a dataset name must be a Python identifier (a namespace); "
        "faces.default='maybe': expected bool, got str"
    )


def test_an_unknown_recipe_or_labels_no_recipe_makes_are_refused():
    with pytest.raises(ValueError, match=r"digits.preprocess='idx'; choose one of mnist, faces"):
        preprocessing(Dataset(name="digits", preprocess="idx"))
    with pytest.raises(ValueError, match="photos is labelled, but the 'faces' recipe makes no"):
        preprocessing(Dataset(name="photos", preprocess="faces", labelled=True))


def write_idx(path: Path, array) -> None:
    """``array`` (uint8) as a gzipped IDX file, the format MNIST is published in."""
    header = struct.pack(f">BBBB{array.ndim}i", 0, 0, 0x08, array.ndim, *array.shape)
    path.write_bytes(gzip.compress(header + array.tobytes()))


@pytest.mark.slow
def test_a_third_dataset_is_one_registry_entry_plus_its_catalog_and_parameters(
    project_copy, mnist_dir
):
    """MNIST's first 1,000 test digits as ``digits``: labelled, preprocessed like MNIST, with
    MNIST's parameters; its data processing, training and evaluation run with no code change."""
    raw = project_copy / "data/01_raw/digits"
    raw.mkdir(parents=True)
    for kind in ("images-idx3", "labels-idx1"):
        name = f"t10k-{kind}-ubyte.gz"
        write_idx(raw / name, read_idx(mnist_dir / name)[:1000])
    with (project_copy / datasets_registry.FILE).open("a") as registry:
        registry.write("\ndigits:\n  preprocess: mnist\n  labelled: true\n")
    with (project_copy / "conf/base/catalog.yml").open("a") as catalog:
        catalog.write(
            "\ndigits.raw:\n  type: gan_pipeline.datasets.MNISTDataset\n"
            "  path: data/01_raw/digits\n  split: t10k\n  download: false\n"
        )
    conf = project_copy / "conf"
    for path in [*(conf / "base").glob("parameters_*.yml"), conf / "test/parameters.yml"]:
        parameters = yaml.safe_load(path.read_text())
        if "mnist" in parameters:
            parameters["digits"] = copy.deepcopy(parameters["mnist"])
        if path.parent.name == "test":
            parameters["digits"]["train"]["checkpoint_dir"] = "data/test/06_models/digits/ckpt"
        path.write_text(yaml.safe_dump(parameters))

    bootstrap_project(project_copy)
    for name in ("data_processing", "training", "evaluation", "generate"):
        assert {node.namespace for node in pipelines[name].nodes} == {"mnist", "faces", "digits"}
    assert {node.namespace for node in pipelines["__default__"].nodes} == {"mnist"}
    with KedroSession.create(project_path=project_copy, env="test") as session:
        session.run(
            pipeline_names=["data_processing", "training", "evaluation"], namespaces=["digits"]
        )

    out = project_copy / "data/test"
    info = json.loads((out / "02_intermediate/digits/data_info.json").read_text())
    assert info == {"data_source": "idx-t10k", "num_images": 1000, "image_shape": [28, 28, 1]}
    assert joblib.load(out / "02_intermediate/digits/labels.pkl").shape == (1000,)
    generator = keras.models.load_model(out / "06_models/digits/Generator.h5", compile=False)
    # Labelled, so trained conditional on the digits' labels: the export reads the class off z.
    assert generator.get_layer("class_from_z").bin_boundaries
    assert (out / "06_models/digits/ckpt").is_dir()
    metrics = json.loads((out / "08_reporting/digits/metrics.json").read_text())
    assert {"fd", "classifier_score", "classes_covered"} <= set(metrics)  # a classifier judged it
    assert not (out / "02_intermediate/mnist").exists()
