"""Fixtures of the GAN tests: the smallest training settings that still exercise a run."""

import pytest

from gan_pipeline.gan.training import TrainConfig


@pytest.fixture
def tiny(tmp_path) -> TrainConfig:
    """Four steps in two checkpoint rounds, state under ``tmp_path``."""
    return TrainConfig(
        steps=4,
        batch_size=16,
        checkpoint_every=2,
        checkpoint_dir=str(tmp_path),
        sample_count=4,
        verbose=0,
    )
