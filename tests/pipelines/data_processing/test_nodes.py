import numpy as np
import pytest

from gan_pipeline.datasets import MNISTDataset
from gan_pipeline.pipelines.data_processing.nodes import preprocess_mnist


def test_preprocess_real_mnist(mnist_dir):
    raw = MNISTDataset(path=str(mnist_dir), split="t10k", download=False).load()
    images, labels, info = preprocess_mnist(raw)
    assert images.shape == (10000, 28, 28, 1) and images.dtype == np.float32
    assert images.min() == -1.0 and images.max() == 1.0
    np.testing.assert_array_equal(labels, raw["labels"])
    assert info == {"data_source": "idx-t10k", "num_images": 10000, "image_shape": [28, 28, 1]}


def test_rejects_non_uint8_input():
    with pytest.raises(ValueError, match="uint8"):
        preprocess_mnist({"images": np.zeros((2, 28, 28)), "labels": np.zeros(2), "source": "x"})
