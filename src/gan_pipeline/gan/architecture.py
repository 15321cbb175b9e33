"""DCGAN generator and discriminator whose depth follows from the image size.

The generator starts from a small ``base x base`` feature map (4..8 pixels) and doubles it
until it reaches the image size (28 = 7 x 2^2, 64 = 4 x 2^4, 512 = 4 x 2^7), so the whole
face is laid out before any detail; a size that does not double from a small base is drawn one
size above and centre-cropped (300: 5 x 2^6 = 320, less 10 pixels a side). The discriminator
mirrors it with as many strided convolutions, so its last map is again a few pixels wide
(300 -> 150 -> 75 -> 38 -> 19 -> 10 -> 5) and its logit reads the face whole.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from gan_pipeline.gan.config import UPSAMPLINGS, upsampling_plan

# Channels double per coarser level up to this cap (FastGAN's 512 at 8x8): at width 32 a
# 6-doubling generator would otherwise put 2048 channels on its 5x5 base and 33M weights in its
# first convolution. The dense layer onto the base map has at most latent_dim x 8 x 8 x 512
# weights. MNIST's (128) and the 64x64 presets' (256, 512) maps stay below it.
MAX_FILTERS = 512
LABEL_EMBEDDING = 16  # width of a class label's embedding in a conditional generator


def _filters(width: int, blocks: int, level: int) -> int:
    """Channel count at ``level`` (0 = the map after the first doubling, -1 the base map):
    halves with every doubling of size, between 8 and ``MAX_FILTERS``."""
    return min(max(width * 2 ** (blocks - 1 - level), 8), MAX_FILTERS)


def _upsample(x, filters: int, kernel_size: int, how: str, **conv):
    """Double the map's size: a strided transposed convolution (DCGAN), or nearest-neighbour
    resizing then a 3x3 convolution, which cannot leave the checkerboard pattern uneven
    overlaps of a transposed kernel paint (Odena et al. 2016, "Deconvolution and
    checkerboard artifacts"); FastGAN's generator upsamples this way."""
    if how == "transpose":
        return layers.Conv2DTranspose(filters, kernel_size, strides=2, padding="same", **conv)(x)
    x = layers.UpSampling2D(2, interpolation="nearest")(x)
    return layers.Conv2D(filters, 3, padding="same", **conv)(x)


def _skip_excitation(coarse, fine):
    """Skip-layer excitation (FastGAN, Liu et al. 2021): the coarsest map gates every
    channel of a fine map. Layout decided at low resolution reaches the fine
    layers directly, so detail is drawn where the face is, with few extra weights."""
    # Average-pooled to about 4x4 (TF has no gradient for area resizing), then one valid
    # convolution over the whole map.
    shrink = max(coarse.shape[1] // 4, 1)
    gate = layers.AveragePooling2D(shrink)(coarse) if shrink > 1 else coarse
    gate = layers.Conv2D(fine.shape[-1], gate.shape[1], padding="valid")(gate)  # -> 1 x 1
    gate = layers.LeakyReLU(0.1)(gate)
    gate = layers.Conv2D(fine.shape[-1], 1, activation="sigmoid")(gate)
    return layers.Multiply()([fine, gate])


def _self_attention(x):
    """Self-attention over a feature map (SAGAN, Zhang et al. 2019): every position draws on
    every other, so features far apart (two eyes) are drawn to agree; convolutions alone see
    only a neighbourhood. The output projection starts at zero, so the block starts as the
    identity (SAGAN's gamma = 0). Built of ``Dot`` and ``Softmax``: Keras 3.15's ``Attention``
    layer does not load back from an .h5 file (its ``score_mode`` comes back as a function)."""
    height, width, channels = x.shape[1:]
    positions = layers.Reshape((height * width, channels))(x)
    query = layers.Dense(max(channels // 8, 1), use_bias=False)(positions)
    key = layers.Dense(max(channels // 8, 1), use_bias=False)(positions)
    value = layers.Dense(channels, use_bias=False)(positions)
    weights = layers.Softmax()(layers.Dot(axes=2)([query, key]))  # (N, HW, HW)
    attended = layers.Dot(axes=(2, 1))([weights, value])
    attended = layers.Dense(channels, use_bias=False, kernel_initializer="zeros")(attended)
    return layers.Add()([x, layers.Reshape((height, width, channels))(attended)])


def build_generator(
    image_shape: tuple[int, int, int],
    latent_dim: int,
    width: int = 64,
    kernel_size: int = 4,
    upsample: str = "transpose",
    skip_excitation: bool = False,
    classes: int = 0,
    attention_size: int = 0,
) -> keras.Model:
    """z ~ N(0, 1) of ``latent_dim`` -> image of ``image_shape`` in [-1, 1] (tanh).

    ``upsample``: one of ``UPSAMPLINGS``; ``skip_excitation``: the base map gates the last
    hidden map (needs at least two doublings); ``classes`` > 0: a class-conditional
    generator, ``[z, label (N, 1) int]`` in, the label's embedding beside z (Mirza and
    Osindero 2014); ``attention_size`` > 0: self-attention over the hidden map of that size.
    """
    if upsample not in UPSAMPLINGS:
        raise ValueError(f"upsample={upsample!r}; choose one of {list(UPSAMPLINGS)}")
    size, _, channels = image_shape
    base, blocks = upsampling_plan(size)
    if skip_excitation and blocks < 3:
        raise ValueError(f"skip_excitation needs an image of >= 3 doublings; {size} has {blocks}")
    hidden_sizes = [base * 2**level for level in range(1, blocks)]
    if attention_size and attention_size not in hidden_sizes:
        raise ValueError(
            f"attention_size={attention_size}: a {size}x{size} generator's hidden maps are "
            f"{hidden_sizes} pixels wide"
        )
    z = keras.Input((latent_dim,), name="z")
    inputs, code = z, z
    if classes:
        label = keras.Input((1,), dtype="int32", name="label")
        embedded = layers.Flatten()(layers.Embedding(classes, LABEL_EMBEDDING)(label))
        inputs, code = [z, label], layers.Concatenate()([z, embedded])
    base_filters = _filters(width, blocks, -1)
    x = layers.Dense(base * base * base_filters, use_bias=False)(code)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    coarse = x = layers.Reshape((base, base, base_filters))(x)
    for level in range(blocks - 1):
        x = _upsample(x, _filters(width, blocks, level), kernel_size, upsample, use_bias=False)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
        if x.shape[1] == attention_size:
            x = _self_attention(x)
    if skip_excitation:
        x = _skip_excitation(coarse, x)
    x = _upsample(x, channels, kernel_size, upsample)
    if border := (base * 2**blocks - size) // 2:  # drawn one canvas size up (config.py)
        x = layers.Cropping2D(border, name="centre_crop")(x)
    # Outputs stay float32 under mixed precision so samples and losses are exact.
    image = layers.Activation("tanh", dtype="float32", name="image")(x)
    return keras.Model(inputs, image, name="generator")


@keras.saving.register_keras_serializable(package="gan_pipeline")
class MinibatchStdDev(layers.Layer):
    """Appends one channel: how much the batch's features vary, averaged to one number.

    ProGAN's minibatch standard deviation (Karras et al. 2018): D sees whether a batch is as
    varied as real ones, so a generator that draws near-copies is caught. ``group_size`` 0:
    one figure for the whole batch (ProGAN); n > 0: one per group of n samples (StyleGAN's
    4), which a few near-copies move further. Written here because Keras has no such layer.
    D sees reals and fakes in separate calls.
    """

    def __init__(self, group_size: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.group_size = group_size

    def call(self, features):
        values = ops.cast(features, "float32")
        batch = values.shape[0]
        group = min(self.group_size, batch) if batch and self.group_size else self.group_size
        if not group:
            spread = ops.mean(ops.sqrt(ops.var(values, axis=0) + 1e-8))
            figure = ops.reshape(spread, (1, 1, 1, 1))
        else:
            if batch and batch % group:
                raise ValueError(f"a batch of {batch} does not split into groups of {group}")
            # Sample i joins group i % (batch / group), as in StyleGAN's reshape.
            grouped = ops.reshape(values, (group, -1, *values.shape[1:]))
            per_group = ops.mean(ops.sqrt(ops.var(grouped, axis=0) + 1e-8), axis=(1, 2, 3))
            figure = ops.reshape(ops.tile(per_group, [group]), (-1, 1, 1, 1))
        channel = ops.ones_like(features[..., :1]) * ops.cast(figure, features.dtype)
        return ops.concatenate([features, channel], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}


def build_discriminator(
    image_shape: tuple[int, int, int],
    width: int = 64,
    kernel_size: int = 4,
    dropout: float = 0.0,
    spectral_norm: bool = False,
    extra_levels: int = 0,
    classes: int = 0,
    minibatch_std: bool = False,
    minibatch_std_group: int = 0,
) -> keras.Model:
    """Image -> one real/fake logit (float32).

    ``spectral_norm`` wraps every weight layer in ``keras.layers.SpectralNormalization``
    (Miyato et al. 2018), bounding D's Lipschitz constant: steadier on tiny datasets.
    ``extra_levels`` adds strided convolutions below the generator's base size (MNIST:
    7 -> 4), each doubling the channels: the logit then reads features that see the whole
    digit, instead of a linear mix of local ones. ``classes`` > 0: ``[image, label]`` in,
    a projection discriminator (Miyato and Koyama 2018): the logit adds the inner product of
    the label's embedding with D's features. ``minibatch_std`` appends ``MinibatchStdDev``'s
    channel to D's coarsest map, a check on the variety of what G draws, one figure per
    ``minibatch_std_group`` samples (0: the whole batch).
    """

    def weighted(layer: layers.Layer) -> layers.Layer:
        if not spectral_norm:
            return layer
        return layers.SpectralNormalization(layer, dtype=layer.dtype_policy)

    _, blocks = upsampling_plan(image_shape[0])
    image = keras.Input(image_shape, name="image")
    x = image
    for level in range(blocks - 1, -1 - extra_levels, -1):
        x = weighted(
            layers.Conv2D(_filters(width, blocks, level), kernel_size, strides=2, padding="same")
        )(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    if minibatch_std:
        x = MinibatchStdDev(minibatch_std_group, name="minibatch_std")(x)
    x = layers.Flatten()(x)
    if not classes:
        logit = weighted(layers.Dense(1, dtype="float32", name="logit"))(x)
        return keras.Model(image, logit, name="discriminator")
    label = keras.Input((1,), dtype="int32", name="label")
    embedded = layers.Flatten()(layers.Embedding(classes, x.shape[-1])(label))
    unconditional = weighted(layers.Dense(1, dtype="float32"))(x)
    projection = layers.Dot(axes=1, dtype="float32")([x, embedded])
    logit = layers.Add(dtype="float32", name="logit")([unconditional, projection])
    return keras.Model([image, label], logit, name="discriminator")


def reconstruction_head(
    discriminator: keras.Model, image_channels: int
) -> tuple[keras.Model, keras.Model]:
    """FastGAN's self-supervised regulariser for D (Liu et al. 2021): ``(D returning
    [logit, coarse features], a decoder that redraws the image from those features)``.

    Trained to reconstruct real images, D has to keep what a face looks like in its features,
    not only what tells two dozen photos from fakes, which is what lets it overfit them. The
    features are D's map nearest to 1/8 of the image side (8x8 for 64x64, or its coarsest);
    the decoder doubles them twice (32x32 for 64x64). The caller compares its output with the
    real image resized to that size by L1: FastGAN's perceptual loss needs downloaded weights.
    """
    size = discriminator.input_shape[1]
    maps = [layer for layer in discriminator.layers if isinstance(layer, layers.LeakyReLU)]
    fine_enough = [layer for layer in maps if layer.output.shape[1] >= size // 8]
    chosen = (fine_enough or maps)[-1]
    with_features = keras.Model(
        discriminator.input, [discriminator.output, chosen.output], name="discriminator_features"
    )
    features = keras.Input(chosen.output.shape[1:], name="features")
    x, channels = features, chosen.output.shape[-1]
    for _ in range(2):
        channels = max(channels // 2, 8)
        x = layers.UpSampling2D(2, interpolation="nearest")(x)
        x = layers.Conv2D(channels, 3, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(image_channels, 3, padding="same")(x)
    image = layers.Activation("tanh", dtype="float32", name="reconstruction")(x)
    return with_features, keras.Model(features, image, name="decoder")
