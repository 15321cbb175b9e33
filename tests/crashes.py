"""A simulated crash mid-training, for resume tests (importable: `pythonpath = tests`)."""

from __future__ import annotations

import keras


class CrashAt(keras.callbacks.Callback):
    """Raises after global step ``step``; callbacks listed before it have run for that step."""

    def __init__(self, step: int):
        super().__init__()
        self.step = step

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def _step(self, batch: int) -> int:
        return batch + 1 + self.params["steps"] * self._epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._step(batch) == self.step:
            raise RuntimeError("simulated crash")
