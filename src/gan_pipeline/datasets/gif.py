"""Animated GIFs: ``pillow.ImageDataset`` writes a single image, so it cannot save frames."""

from __future__ import annotations

from kedro.io.core import DatasetError, get_filepath_str
from kedro_datasets.pillow import ImageDataset
from PIL import Image, ImageSequence


class AnimatedGifDataset(ImageDataset):
    """Saves a list of PIL frames as one animated GIF; loads it back as a list of frames.

    ``ImageDataset.save`` calls ``image.save(file, **save_args)`` on one image, and Pillow
    takes the other frames only as ``append_images``, a list of images that YAML cannot
    express. Everything else (filesystems, versioning, ``save_args``) is ``ImageDataset``'s.

    Example catalog entry::

        mnist.interpolation:
          type: gan_pipeline.datasets.gif.AnimatedGifDataset
          filepath: data/07_model_output/mnist/interpolation.gif
          save_args: {duration: 80, loop: 0}   # ms per frame; loop forever
    """

    def load(self) -> list[Image.Image]:
        load_path = get_filepath_str(self._get_load_path(), self._protocol)
        with self._fs.open(load_path, **self._fs_open_args_load) as stream:
            return [frame.copy() for frame in ImageSequence.Iterator(Image.open(stream))]

    def save(self, data: list[Image.Image]) -> None:
        if not data:
            raise DatasetError(f"{self._filepath}: an animated GIF needs at least one frame")
        save_path = get_filepath_str(self._get_save_path(), self._protocol)
        with self._fs.open(save_path, **self._fs_open_args_save) as stream:
            data[0].save(
                stream, format="GIF", save_all=True, append_images=data[1:], **self._save_args
            )
        self._invalidate_cache()
