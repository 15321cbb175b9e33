"""A simulated crash mid-training, for resume tests (importable: `pythonpath = tests`)."""

from __future__ import annotations

from gan_pipeline.gan.callbacks import StepCallback


class CrashAt(StepCallback):
    """Raises after global step ``step``; callbacks listed before it have run for that step."""

    def __init__(self, step: int):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if self.step_after(batch) == self.step:
            raise RuntimeError("simulated crash")
