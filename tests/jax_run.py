"""One ``gan.training.train`` under Keras' JAX backend, for the JAX-backend tests, which start
it in a subprocess: Keras fixes its backend at import and the suite runs on TensorFlow.

``python jax_run.py SPEC.json``: SPEC names the input arrays (``data``: an .npz with
``images`` and maybe ``labels``), ``model`` and ``train`` settings, and optionally
``kill_at`` (SIGKILL this process after that step, as ``kill -9`` would), ``export`` (save the
sampler there as legacy HDF5) and ``latents`` (an .npy of z to sample into ``samples.npy``).
It writes ``result.json`` beside SPEC: the history's steps and losses, the grids' steps,
where it resumed from, and whether TensorFlow was imported.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from crashes import KillAt

from gan_pipeline.gan.training import ModelConfig, TrainConfig, train


def main(spec_path: Path) -> None:
    spec = json.loads(spec_path.read_text())
    with np.load(spec["data"]) as data:
        images = data["images"]
        labels = data["labels"] if "labels" in data.files else None
    callbacks = [KillAt(spec["kill_at"])] if spec.get("kill_at") else []
    result = train(
        images,
        ModelConfig(**spec["model"]),
        TrainConfig(**spec["train"]),
        callbacks=callbacks,
        labels=labels,
    )
    if spec.get("export"):
        result.generator.save(spec["export"])
    if spec.get("latents"):
        samples = result.generator(np.load(spec["latents"]), training=False)
        np.save(spec_path.parent / "samples.npy", np.asarray(samples))
    history = result.history
    summary = {
        "steps": history["step"].tolist(),
        "losses": history[["d_loss", "g_loss"]].to_numpy().tolist(),
        "columns": list(history.columns),
        "grids": sorted(result.grids),
        "resumed_from": result.resumed_from,
        "tensorflow_imported": "tensorflow" in sys.modules,
    }
    (spec_path.parent / "result.json").write_text(json.dumps(summary))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
