"""GPU check: the faces presets trained by the project's own ``gan/`` code on a machine that
has JAX (with CUDA) but no TensorFlow, Kedro, MLflow or internet (docs/scaling.md).

Two steps, because the faces preprocessing (``pipelines/data_processing``) imports Kedro:

``pack DIR [--wheels WHEELS]``, here in the project: writes the carry folder DIR with this
script, ``src/gan_pipeline``, the three YAML files of the presets, ``photos.npz`` (the example
photos preprocessed by the project's ``prepare_photo`` for each preset) and the wheels found in
WHEELS (keras, optree, namex for Python 3.12), and prints its size (at most 64 MiB to travel).

``run --carry-dir DIR --out OUT``, on the GPU machine: installs DIR's wheels into a temporary
folder when Keras is missing, imports ``gan_pipeline.gan`` from DIR/src under
``KERAS_BACKEND=jax``, and trains each preset with ``gan.training.train`` for ``--seconds`` of
wall time (stopping at the first checkpoint past it). OUT gets ``grid_<preset>.png`` per preset
and ``gpu_check.json``: steps done, step time, compile time, peak GPU memory (peak RSS off a
GPU), the faces metrics (sharpness, nearest-photo SSIM, diversity SSIM) and DIR's size.
The defaults (150 s a preset) fit the whole check, compile included, in 8 minutes of an H200.

    python benchmarks/gpu_check.py pack data/gpu_check/carry --wheels wheels/
    python DIR/gpu_check.py run --carry-dir DIR --out OUT [--presets cpu64,base300]
        [--seconds 150] [--steps N] [--image-size S] [--samples 64]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

PROJECT = Path(__file__).resolve().parents[1]
CONF_FILES = (
    "conf/base/parameters_training.yml",
    "conf/base/parameters_data_processing.yml",
    "conf/cpu/parameters.yml",
)
PRESETS = {"cpu64": ("base", "cpu"), "base300": ("base",)}  # conf folders, merged in order
CARRY_LIMIT_MB = 64.0
MEMORISED = 0.9  # nearest-photo SSIM above which a sample counts as a copy (metrics.memorisation)


def merged(base: dict, update: dict) -> dict:
    """``update`` merged into ``base`` key by key (Kedro's soft merge of an env over base)."""
    out = dict(base)
    for key, value in update.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = merged(out[key], value) if both else value
    return out


def parameters(conf: Path, envs: tuple[str, ...], namespace: str) -> dict:
    """``namespace``'s parameters from the YAML files of ``envs`` under ``conf``, later envs
    over earlier ones: Kedro's result for these files, which use no interpolation."""
    import yaml  # noqa: PLC0415 (on the GPU machine maybe only from the carried wheels)

    found: dict = {}
    for env in envs:
        for path in sorted((conf / env).glob("parameters*.yml")):
            found = merged(found, (yaml.safe_load(path.read_text()) or {}).get(namespace, {}))
    return found


def preset(conf: Path, name: str) -> dict:
    """The ``faces`` parameters of preset ``name`` (``PRESETS``)."""
    return parameters(conf, PRESETS[name], "faces")


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def pack(folder: Path, wheels: Path | None) -> dict:
    """Assemble the carry folder; photos preprocessed here, where Kedro is installed."""
    from gan_pipeline.gan.config import FaceOptions  # noqa: PLC0415
    from gan_pipeline.pipelines.data_processing.nodes import prepare_photo  # noqa: PLC0415

    if folder.exists():
        if any(folder.iterdir()) and not (folder / "gpu_check.py").exists():
            sys.exit(f"{folder} is not empty and not a carry folder: give a new or empty one")
        shutil.rmtree(folder)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    package = Path("src") / "gan_pipeline"
    shutil.copytree(PROJECT / package, folder / package, ignore=ignore)
    for name in CONF_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, folder / name)
    shutil.copy2(Path(__file__), folder / "gpu_check.py")
    photos = sorted((PROJECT / "examples" / "faces").glob("*.jpg"))
    arrays = {}
    for name in PRESETS:
        options = FaceOptions(**preset(folder / "conf", name)["preprocess"])
        arrays[name] = np.stack([prepare_photo(p.read_bytes(), options) for p in photos])
    np.savez_compressed(folder / "photos.npz", **arrays)
    (folder / "wheels").mkdir()
    for wheel in sorted(wheels.glob("*.whl")) if wheels else ():
        shutil.copy2(wheel, folder / "wheels" / wheel.name)
    size = folder_mb(folder)
    report = {
        "carry_dir": str(folder),
        "carry_dir_mb": round(size, 2),
        "limit_mb": CARRY_LIMIT_MB,
        "wheels": sorted(w.name for w in (folder / "wheels").glob("*.whl")),
        "photos": {name: list(a.shape) for name, a in arrays.items()},
    }
    print(json.dumps(report, indent=1))
    if size > CARRY_LIMIT_MB:
        sys.exit(f"{folder} is {size:.1f} MiB, over the {CARRY_LIMIT_MB:.0f} MiB that can travel")
    return report


def use_carried_wheels(carry: Path) -> None:
    """Import Keras (and PyYAML) from the carried wheels when this Python lacks them (the
    GPU machine: JAX, no Keras)."""
    try:
        import keras  # noqa: F401, PLC0415
        import yaml  # noqa: F401, PLC0415
    except ImportError as missing:
        wheels = sorted((carry / "wheels").glob("*.whl"))
        if not wheels:
            sys.exit(f"{missing.name} is not installed and {carry / 'wheels'} has no wheels")
        target = tempfile.mkdtemp(prefix="gpu-check-site-")
        command = [sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "-q"]
        subprocess.run([*command, "--target", target, *map(str, wheels)], check=True)
        sys.path.insert(0, target)


def peak_memory() -> dict:
    """Peak device memory on a GPU (JAX's allocator), else this process's peak RSS (MiB)."""
    import jax  # noqa: PLC0415

    device = jax.devices()[0]
    stats = device.memory_stats() if device.platform != "cpu" else None
    if stats and "peak_bytes_in_use" in stats:
        return {"peak_gpu_mb": round(stats["peak_bytes_in_use"] / 2**20, 1)}
    return {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def photos_at(pixels: np.ndarray, size: int) -> np.ndarray:
    """uint8 photos -> float32 in [-1, 1] at ``size`` x ``size`` (resized only if asked)."""
    if pixels.shape[1] != size:
        pixels = np.stack([np.asarray(Image.fromarray(p).resize((size, size))) for p in pixels])
    return (pixels.astype(np.float32) / 127.5 - 1.0).astype(np.float32)


def nearest_photo_ssim(samples: np.ndarray, photos: np.ndarray) -> np.ndarray:
    """``metrics.memorisation.nearest_ssim`` of each sample, spread over the CPU's cores: at
    300x300 one SSIM takes tens of ms and a sample meets 48 photos (mirrors included). Spawned
    workers, as forking a process that runs JAX can deadlock. The photos' own leave-one-out
    floor (``nearest_ssim_real``) is left to the pipeline's evaluation: it does not depend on
    the model and would cost as much again."""
    from gan_pipeline.metrics.memorisation import nearest_ssim  # noqa: PLC0415

    workers = min(len(os.sched_getaffinity(0)), len(samples))
    chunks = np.array_split(samples, workers)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return np.concatenate(list(pool.map(nearest_ssim, chunks, [photos] * workers)))


def train_preset(name: str, faces: dict, photos: np.ndarray, args, out: Path) -> dict:
    """Train one preset for ``args.seconds`` (or ``args.steps``); its grid, timings, metrics."""
    import keras  # noqa: PLC0415

    from gan_pipeline.gan.images import make_grid, to_pil  # noqa: PLC0415
    from gan_pipeline.gan.training import ModelConfig, TrainConfig, train  # noqa: PLC0415
    from gan_pipeline.metrics.diversity import mean_pairwise_ssim  # noqa: PLC0415
    from gan_pipeline.metrics.sharpness import sharpness  # noqa: PLC0415

    class Budget(keras.callbacks.Callback):
        """Times the steps; stops at the first checkpoint (epoch end) past the budget."""

        def on_train_begin(self, logs=None):
            self.start, self.first, self.last, self.steps = time.perf_counter(), None, None, 0

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1
            self.last = time.perf_counter()
            self.first = self.first or self.last

        def on_epoch_end(self, epoch, logs=None):
            if self.last - self.first > args.seconds:
                self.model.stop_training = True

    train_settings = dict(faces["train"])
    if args.steps:
        train_settings["steps"] = args.steps
        train_settings["checkpoint_every"] = min(train_settings["checkpoint_every"], args.steps)
        train_settings["lr_decay_steps"] = min(train_settings.get("lr_decay_steps", 0), args.steps)
    budget = Budget()
    with tempfile.TemporaryDirectory(prefix="gpu-check-run-") as checkpoints:
        config = TrainConfig(**{**train_settings, "checkpoint_dir": checkpoints, "verbose": 0})
        result = train(photos, ModelConfig(**faces["model"]), config, callbacks=[budget])
    z = np.random.default_rng(0).standard_normal((args.samples, result.generator.input_shape[-1]))
    samples = np.concatenate(
        [
            np.asarray(result.generator(z[i : i + 32].astype(np.float32), training=False))
            for i in range(0, len(z), 32)
        ]
    ).astype(np.float32)
    grid = out / f"grid_{name}.png"
    to_pil(make_grid(samples[:16], columns=4)).save(grid)
    steps = budget.steps
    nearest = nearest_photo_ssim(samples, photos)
    return {
        "image_size": photos.shape[1],
        "model": faces["model"],
        "batch_size": config.batch_size,
        "precision": config.precision,
        "lr_g": config.lr_g,
        "lr_d": config.lr_d,
        "preset_steps": config.steps,
        "steps_done": steps,
        "compile_s": round(budget.first - budget.start, 2),
        "train_s": round(budget.last - budget.first, 2),
        "step_ms": round(1000 * (budget.last - budget.first) / max(steps - 1, 1), 2),
        **peak_memory(),
        "grid": grid.name,
        "metrics": {
            "samples": len(samples),
            **sharpness(samples, photos),
            "nearest_ssim_mean": float(nearest.mean()),
            "nearest_ssim_max": float(nearest.max()),
            "memorised_share": float((nearest > MEMORISED).mean()),
            "diversity_ssim": mean_pairwise_ssim(samples),
            "diversity_ssim_real": mean_pairwise_ssim(photos),
        },
    }


def run(args) -> dict:
    start = time.perf_counter()
    carry, out = args.carry_dir.resolve(), args.out
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KERAS_BACKEND", "jax")
    use_carried_wheels(carry)
    sys.path.insert(0, str(carry / "src"))
    import jax  # noqa: PLC0415
    import keras  # noqa: PLC0415

    report = {
        "device": str(jax.devices()[0]),
        "jax": jax.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "python": platform.python_version(),
        "carry_dir_mb": round(folder_mb(carry), 2),
        "seconds_per_preset": args.seconds,
        "presets": {},
    }
    with np.load(carry / "photos.npz") as photos:
        for name in args.presets.split(","):
            faces = preset(carry / "conf", name)
            size = args.image_size or faces["preprocess"]["image_size"]
            try:
                report["presets"][name] = train_preset(
                    name, faces, photos_at(photos[name], size), args, out
                )
            except Exception as error:  # one preset failing must not lose the other's figures
                report["presets"][name] = {"error": f"{type(error).__name__}: {error}"[:2000]}
            print(name, json.dumps(report["presets"][name]), flush=True)
    report["tensorflow_imported"] = "tensorflow" in sys.modules
    report["total_s"] = round(time.perf_counter() - start, 1)
    (out / "gpu_check.json").write_text(json.dumps(report, indent=1))
    print(f"carry folder {carry}: {report['carry_dir_mb']} MiB; total {report['total_s']} s")
    print(f"-> {out / 'gpu_check.json'}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    packing = commands.add_parser("pack", help="assemble the carry folder and report its size")
    packing.add_argument("folder", type=Path)
    packing.add_argument("--wheels", type=Path, help="folder of .whl files to carry")
    running = commands.add_parser("run", help="train the presets from a carry folder")
    running.add_argument("--carry-dir", type=Path, default=Path(__file__).resolve().parent)
    running.add_argument("--out", type=Path, default=Path("gpu-check-out"))
    running.add_argument("--presets", default=",".join(PRESETS))
    running.add_argument("--seconds", type=float, default=150.0, help="training time a preset")
    running.add_argument("--steps", type=int, help="cap on steps (default: the preset's)")
    running.add_argument("--image-size", type=int, help="override the presets' size (tests)")
    running.add_argument("--samples", type=int, default=64, help="samples for the metrics")
    args = parser.parse_args()
    if args.command == "pack":
        pack(args.folder, args.wheels)
    else:
        run(args)


if __name__ == "__main__":
    main()
