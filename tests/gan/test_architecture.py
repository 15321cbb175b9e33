import keras
import numpy as np
import pytest

from gan_pipeline.gan.architecture import (
    MinibatchStdDev,
    build_discriminator,
    build_generator,
)
from gan_pipeline.gan.config import size_problem, upsampling_plan

FACE_SIZES = (64, 128, 256, 300, 512)  # the sizes a faces run may ask for


@pytest.mark.parametrize(
    ("size", "plan"),
    [
        (28, (7, 2)),
        (32, (4, 3)),
        (64, (4, 4)),
        (100, (7, 4)),  # drawn at 112, cropped
        (128, (4, 5)),
        (256, (4, 6)),
        (300, (5, 6)),  # drawn at 320, cropped
        (512, (4, 7)),
    ],
)
def test_depth_follows_from_image_size(size, plan):
    assert upsampling_plan(size) == plan


@pytest.mark.parametrize("size", [299, 301, 7, 644])
def test_unbuildable_sizes_are_rejected_with_valid_neighbours(size):
    with pytest.raises(ValueError, match="valid sizes nearby") as error:
        upsampling_plan(size)
    nearby = eval(str(error.value).split("nearby: ")[1])  # a printed list of ints
    assert nearby and all(upsampling_plan(s) for s in nearby)


def test_299_is_refused_for_an_uneven_crop_naming_the_sizes_cut_from_320():
    problem = size_problem(299)
    assert "crops the next such size above by an even border of at most 1/8" in problem
    assert problem.endswith(f"valid sizes nearby: {list(range(280, 321, 2))}")


@pytest.mark.parametrize("size", FACE_SIZES)
def test_every_face_size_is_drawn_from_a_few_pixels_and_judged_whole(size):
    """G starts from a base map of at most 8 pixels and D ends on one (the face seen whole),
    with FastGAN's resize upsampling and skip-layer excitation and ProGAN's minibatch std."""
    generator = build_generator((size, size, 3), 8, 4, upsample="resize", skip_excitation=True)
    discriminator = build_discriminator((size, size, 3), width=4, minibatch_std=True)
    (base,) = [layer for layer in generator.layers if type(layer).__name__ == "Reshape"]
    d_maps = [layer.output.shape[1] for layer in discriminator.layers if hasattr(layer, "filters")]
    assert base.output.shape[1] <= 8 and d_maps[-1] <= 8
    assert len(d_maps) == upsampling_plan(size)[1]
    cropped = [layer.name for layer in generator.layers if type(layer).__name__ == "Cropping2D"]
    assert cropped == (["centre_crop"] if size == 300 else [])
    images = np.asarray(generator(np.random.default_rng(0).standard_normal((2, 8))))
    assert images.shape == (2, size, size, 3)
    assert discriminator(images).shape == (2, 1)


@pytest.mark.parametrize(
    ("shape", "generator_args", "discriminator_args", "counts"),
    [  # MNIST's preset (conditional) and the faces CPU preset: the same models as before
        (
            (28, 28, 1),
            {"latent_dim": 100, "width": 32, "classes": 10},
            {"width": 32, "classes": 10},
            (885_153, 67_873),
        ),
        (
            (64, 64, 3),
            {"latent_dim": 128, "width": 16},
            {"width": 32, "minibatch_std": True},
            (1_231_235, 694_257),
        ),
    ],
)
def test_the_mnist_and_64x64_presets_keep_their_models(
    shape, generator_args, discriminator_args, counts
):
    generator = build_generator(shape, kernel_size=4, **generator_args)
    discriminator = build_discriminator(shape, kernel_size=4, **discriminator_args)
    assert (generator.count_params(), discriminator.count_params()) == counts
    assert "centre_crop" not in [layer.name for layer in generator.layers]


@pytest.mark.parametrize("shape", [(28, 28, 1), (300, 300, 3)])
def test_generator_and_discriminator_shapes(shape):
    generator = build_generator(shape, latent_dim=8, width=4)
    discriminator = build_discriminator(shape, width=4)
    assert generator.input_shape == (None, 8)
    assert generator.output_shape == (None, *shape)
    images = np.asarray(generator(np.random.default_rng(0).standard_normal((2, 8))))
    assert images.shape == (2, *shape)
    assert images.min() >= -1 and images.max() <= 1  # tanh
    assert discriminator(images).shape == (2, 1)


def test_extra_discriminator_levels_go_below_the_base_size():
    plain = build_discriminator((28, 28, 1), width=8, kernel_size=3)
    deeper = build_discriminator((28, 28, 1), width=8, kernel_size=3, extra_levels=1)
    maps = [layer.output.shape[1:] for layer in deeper.layers if hasattr(layer, "filters")]
    assert maps == [(14, 14, 8), (7, 7, 16), (4, 4, 32)]
    assert deeper.output_shape == plain.output_shape == (None, 1)


@pytest.mark.parametrize(("upsample", "skip_excitation"), [("resize", False), ("resize", True)])
def test_generator_options_keep_the_interface(upsample, skip_excitation):
    generator = build_generator(
        (64, 64, 3), 8, 4, upsample=upsample, skip_excitation=skip_excitation
    )
    assert generator.input_shape == (None, 8)
    assert generator.output_shape == (None, 64, 64, 3)
    kinds = {type(layer).__name__ for layer in generator.layers}
    assert "Conv2DTranspose" not in kinds
    assert ("Multiply" in kinds) == skip_excitation


def test_skip_excitation_gates_the_finest_hidden_map():
    generator = build_generator((64, 64, 3), 8, 4, skip_excitation=True)
    (gate,) = [layer for layer in generator.layers if type(layer).__name__ == "Multiply"]
    assert [tuple(t.shape[1:]) for t in gate.input] == [(32, 32, 8), (1, 1, 8)]


def test_self_attention_starts_as_the_identity_and_reaches_across_the_map():
    """At initialisation the attention block passes its map through unchanged; once its
    weights are non-zero, changing one corner of the map changes the opposite corner."""
    generator = build_generator((64, 64, 3), 8, 4, attention_size=16)
    (attention,) = [layer for layer in generator.layers if type(layer).__name__ == "Softmax"]
    assert tuple(attention.output.shape[1:]) == (16 * 16, 16 * 16)  # every position to every
    (block_end,) = [layer for layer in generator.layers if type(layer).__name__ == "Add"]
    block = keras.Model(block_end.input[0], block_end.output)
    maps = np.random.default_rng(1).standard_normal((1, 16, 16, 16)).astype("float32")
    np.testing.assert_array_equal(block(maps), maps)

    for layer in block.layers:
        if layer.weights:
            layer.set_weights([np.full_like(w, 0.1) for w in layer.get_weights()])
    changed = maps.copy()
    changed[0, 0, 0] += 5.0
    assert not np.allclose(block(maps)[0, -1, -1], block(changed)[0, -1, -1])


def test_generator_options_are_checked():
    with pytest.raises(ValueError, match="upsample='bilinear'"):
        build_generator((64, 64, 3), 8, 4, upsample="bilinear")
    with pytest.raises(ValueError, match="skip_excitation needs"):
        build_generator((28, 28, 1), 8, 4, skip_excitation=True)
    with pytest.raises(ValueError, match=r"attention_size=64: .* \[8, 16, 32\] pixels"):
        build_generator((64, 64, 3), 8, 4, attention_size=64)


def test_minibatch_std_channel_tells_copies_from_a_varied_batch():
    layer = MinibatchStdDev()
    varied = np.random.default_rng(0).standard_normal((8, 4, 4, 3)).astype("float32")
    copies = np.repeat(varied[:1], 8, axis=0)
    out_varied = np.asarray(layer(varied))
    spread_varied, spread_copies = out_varied[..., -1], np.asarray(layer(copies))[..., -1]
    assert out_varied.shape == (8, 4, 4, 4)
    assert np.allclose(out_varied[..., :3], varied)  # features pass through
    assert np.ptp(spread_varied) == 0  # one figure for the whole batch
    assert spread_copies.max() < 1e-3
    assert spread_varied.min() > 0.5  # standard normal features: about 1


def test_minibatch_std_per_group_singles_out_the_group_of_copies():
    varied = np.random.default_rng(0).standard_normal((8, 4, 4, 3)).astype("float32")
    batch = varied.copy()
    batch[[0, 2, 4, 6]] = batch[0]  # sample i is in group i % 2 (StyleGAN's reshape)
    whole = np.asarray(MinibatchStdDev()(batch))[:, 0, 0, -1]
    grouped = np.asarray(MinibatchStdDev(group_size=4)(batch))[:, 0, 0, -1]
    assert np.ptp(whole) == 0 and whole.min() > 0.5  # the copies hide in the whole batch
    assert grouped[0::2].max() < 1e-3  # their group reads as copies
    assert grouped[1::2].min() > 0.5
    with pytest.raises(ValueError, match="a batch of 6 does not split into groups of 4"):
        MinibatchStdDev(group_size=4)(varied[:6])


@pytest.mark.parametrize("group", [0, 4])
def test_discriminator_with_minibatch_std_survives_an_h5_round_trip(tmp_path, group):
    discriminator = build_discriminator(
        (64, 64, 3), width=4, minibatch_std=True, minibatch_std_group=group
    )
    images = np.random.default_rng(1).uniform(-1, 1, (4, 64, 64, 3)).astype("float32")
    discriminator.save(tmp_path / "Discriminator.h5")
    loaded = keras.models.load_model(tmp_path / "Discriminator.h5", compile=False)
    assert loaded.get_layer("minibatch_std").group_size == group
    np.testing.assert_allclose(loaded(images), discriminator(images), rtol=1e-5, atol=1e-6)


def test_generator_with_self_attention_survives_an_h5_round_trip(tmp_path):
    """The exported Generator.h5 loads with plain Keras: the block is built of Keras layers."""
    generator = build_generator((64, 64, 3), 8, 4, attention_size=32)
    for layer in generator.layers:  # non-zero attention weights, so the block is in play
        if type(layer).__name__ == "Dense" and not np.any(layer.get_weights()[0]):
            layer.set_weights([np.full_like(layer.get_weights()[0], 0.05)])
    z = np.random.default_rng(2).standard_normal((2, 8)).astype("float32")
    generator.save(tmp_path / "Generator.h5")
    loaded = keras.models.load_model(tmp_path / "Generator.h5", compile=False)
    np.testing.assert_allclose(loaded(z), generator(z), rtol=1e-5, atol=1e-6)
