"""Every parameter group's settings as dataclasses, each field with its allowed type and range.

Imports no TensorFlow, so a run can check every setting before any node runs (the parameter
check in ``gan_pipeline.validation``); ``problems`` lists everything wrong at once, and the
dataclasses raise the same list when built with bad values. The image sizes the generator can
build (``upsampling_plan``) and the metrics' names live here too, so the check before a run
and the code that uses them read one definition.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from PIL import Image

from gan_pipeline.gan.precision import auto_precision

PRECISIONS = ("auto", "float32", "mixed_bfloat16", "mixed_float16")  # auto: precision.py
DISTRIBUTIONS = ("auto", "mirrored", "multi_worker")
LOSSES = ("bce", "hinge", "wgan-gp")  # gan/losses.LOSSES implements them
UPSAMPLINGS = ("transpose", "resize")  # how G doubles its maps: gan/architecture.py
# Measured during training (gan/quality.py) and after it (the evaluation nodes); the final
# evaluation's feature metrics need the feature network, its image metrics only pixels.
QUALITY_METRICS = ("fd", "kid", "coverage", "sharpness")
FEATURE_METRICS = ("fd", "kid", "classifier_score", "coverage")
IMAGE_METRICS = ("memorisation", "diversity", "sharpness")
LOWER_IS_BETTER = ("fd", "kid")  # the others have no best: more coverage is not always better
# Which generator is exported as the best: the lowest in-training FD or KID, or the last one
# (faces: KID on 64 samples of 8x8 pixels ranks the grids no better than chance, metrics.md).
BEST_BY = (*LOWER_IS_BETTER, "last")
FITS = ("pad", "crop", "face")  # how a photo becomes a square (data_processing/nodes.py)
BAD_IMAGE_ACTIONS = ("skip", "fail")
TRACKING_MODES = ("required", "optional")  # conf/*/mlflow.yml's tracking (hooks.py)

# The generator doubles a small base map (MIN_BASE..MAX_BASE pixels) at most MAX_BLOCKS times
# (gan/architecture.py), so it lays out the whole image at a few pixels first and the
# discriminator, halving the image as often, reads it whole from a map of a few pixels. A size
# that is no such "canvas" is drawn on the next canvas above and centre-cropped, if the crop is
# even (the same border on both sides) and at most 1/MAX_CROP of the canvas (300 = 320 - 20).
MIN_BASE = 4
MAX_BASE = 8
MAX_BLOCKS = 7
MAX_CROP = 8


def _doublings(canvas: int) -> tuple[int, int]:
    """Halve ``canvas`` as often as allowed; return (base, number of halvings)."""
    blocks, base = 0, canvas
    while blocks < MAX_BLOCKS and base % 2 == 0 and base // 2 >= MIN_BASE:
        base //= 2
        blocks += 1
    return base, blocks


def _is_canvas(size: int) -> bool:
    base, blocks = _doublings(size)
    return blocks > 0 and base <= MAX_BASE


def _canvas(image_size: int) -> int | None:
    """The smallest canvas >= ``image_size`` from which a small even crop gives it, or None."""
    canvas = next((c for c in range(image_size, 2 * image_size + 1) if _is_canvas(c)), None)
    if canvas is None or (canvas - image_size) % 2 or canvas - image_size > canvas // MAX_CROP:
        return None
    return canvas


def size_problem(image_size: int) -> str | None:
    """Why the generator cannot build ``image_size`` (with the valid sizes nearby), or None."""
    if _canvas(image_size):
        return None
    nearby = [s for s in range(max(8, image_size - 24), image_size + 25) if _canvas(s)]
    return (
        f"image_size={image_size} cannot be built: the generator draws base x 2^k pixels "
        f"(base {MIN_BASE}..{MAX_BASE}, k 1..{MAX_BLOCKS}: at most {MAX_BASE * 2**MAX_BLOCKS}) "
        f"and crops the next such size above by an even border of at most 1/{MAX_CROP} of it "
        f"(300 = 320 - 2 x 10); valid sizes nearby: {nearby}"
    )


def upsampling_plan(image_size: int) -> tuple[int, int]:
    """Return ``(base, blocks)``: the generator draws ``base * 2**blocks`` pixels, at least
    ``image_size`` and at most 1/``MAX_CROP`` more, then crops the centre.

    Uses as many doublings as the size allows (at most ``MAX_BLOCKS``, base at least
    ``MIN_BASE``); other sizes (odd ones, say) are refused with the valid sizes nearby.
    """
    if problem := size_problem(image_size):
        raise ValueError(problem)
    return _doublings(_canvas(image_size))


def rule(
    default: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    open_low: bool = False,
    open_high: bool = False,
    choices: tuple[Any, ...] | None = None,
) -> Any:
    """A dataclass field whose value must lie in [low, high] (open ends where asked) or in
    ``choices``; a list default becomes a tuple."""
    check = {"low": low, "high": high, "open_low": open_low, "open_high": open_high}
    return field(default=default, metadata={**check, "choices": choices})


class Checked:
    """Mixin: a dataclass that refuses bad values with every problem listed."""

    def __post_init__(self) -> None:
        for each in fields(self):  # YAML gives lists where the settings keep tuples
            if isinstance(getattr(self, each.name), list):
                object.__setattr__(self, each.name, tuple(getattr(self, each.name)))
        found = problems(type(self), {f.name: getattr(self, f.name) for f in fields(self)})
        if found:
            raise ValueError("; ".join(found))

    @staticmethod
    def relations(settings: Mapping[str, Any], given: frozenset[str] = frozenset()) -> list[str]:
        """Problems between fields (all given, each valid on its own); ``given``: the keys the
        user set on the command line, for relations that bend only for a default."""
        return []


@dataclass(frozen=True)
class ModelConfig(Checked):
    latent_dim: int = rule(100, low=1)
    width: int = rule(32, low=1)  # G's finest feature map; D's too unless width_d is set
    width_d: int | None = rule(None, low=1)  # D's own width: D is far cheaper per channel than G
    kernel_size: int = rule(4, low=1)
    # G doubles its maps by transposed convolutions or by resizing + 3x3 convolution
    upsample: str = rule("transpose", choices=UPSAMPLINGS)
    skip_excitation: bool = False  # FastGAN's skip-layer excitation in G (gan/architecture.py)
    attention_size: int = rule(0, low=0)  # > 0: G attends over its hidden map this wide (SAGAN)
    dropout: float = rule(0.0, low=0, high=1, open_high=True)
    spectral_norm: bool = False  # on every weight layer of D
    extra_levels_d: int = rule(0, low=0)  # strided convs in D below G's base size
    minibatch_std: bool = False  # D sees how varied each batch is (ProGAN; architecture.py)
    minibatch_std_group: int = rule(0, low=0)  # its figure per group of this many; 0: the batch
    # class labels into G and a projection D; the export still takes z alone (conditional.py)
    conditional: bool = False


@dataclass(frozen=True)
class TrainConfig(Checked):
    steps: int = rule(4000, low=1)
    batch_size: int = rule(64, low=1)
    lr_g: float = rule(2e-4, low=0, open_low=True)
    lr_d: float = rule(2e-4, low=0, open_low=True)
    # > 0: both learning rates fall linearly to 0 over the last N steps (all of a shorter run)
    lr_decay_steps: int = rule(0, low=0)
    beta_1: float = rule(0.5, low=0, high=1, open_high=True)
    beta_2: float = rule(0.999, low=0, high=1, open_high=True)
    label_smoothing: float = rule(0.0, low=0, high=1, open_high=True)
    seed: int = 42
    checkpoint_every: int = rule(250, low=1)
    checkpoint_dir: str = "data/06_models/checkpoints"
    precision: str = rule("float32", choices=PRECISIONS)
    steps_per_execution: int = rule(1, low=1)
    # XLA for the training step: Keras' "auto" compiles on a GPU and not on a CPU
    # (docs/scaling.md: what it gains on a CPU)
    jit_compile: bool | str = rule("auto", choices=("auto", True, False))
    sample_count: int = rule(64, low=1)
    verbose: int | str = "auto"
    # auto | mirrored | multi_worker; batch_size is the global batch across all replicas.
    distribution: str = rule("auto", choices=DISTRIBUTIONS)
    devices: tuple[str, ...] | None = None  # mirrored only; default: all local GPUs
    # multi_worker: fail, not hang, when a worker dies
    collective_timeout_s: float = rule(120.0, low=0, open_low=True)
    # Few-shot options (gan/model.py); the defaults train as a plain DCGAN.
    loss: str = rule("bce", choices=LOSSES)
    augment: str = ""  # DiffAugment transforms, e.g. "color,translation,cutout"
    mirror: bool = False  # left-right flipped copies of the images join them (faces, not digits)
    # > 0: export and sample an EMA copy of the generator
    ema_decay: float = rule(0.0, low=0, high=1, open_high=True)
    r1_gamma: float = rule(0.0, low=0)  # > 0: R1 gradient penalty on D for real images
    # > 0: D also redraws real images from its features (FastGAN); weight of that L1 error
    reconstruction: float = rule(0.0, low=0)
    # > 0: G is also pushed to draw different images for different z (losses.mode_seeking)
    mode_seeking: float = rule(0.0, low=0)
    # > 0: LeCam regularisation of D (losses.lecam; 0.3 in the paper's BigGAN runs)
    lecam: float = rule(0.0, low=0)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.precision == "auto":  # resolved here so the run's folder key names the choice
            object.__setattr__(self, "precision", auto_precision())

    @property
    def decay_steps(self) -> int:
        """Steps over which the rates fall: ``lr_decay_steps``, or the whole run when that is
        shorter (``--params train.steps=300`` under a default decay of 1,000)."""
        return min(self.lr_decay_steps, self.steps)

    @staticmethod
    def relations(settings: Mapping[str, Any], given: frozenset[str] = frozenset()) -> list[str]:
        steps, every = settings["steps"], settings["checkpoint_every"]
        decay = settings["lr_decay_steps"]
        found = []
        if steps % every:
            found.append(f"steps={steps} must be a multiple of checkpoint_every={every}")
        if "lr_decay_steps" in given and decay > steps:
            found.append(f"lr_decay_steps={decay} (set by --params) must be <= steps={steps}")
        if settings["distribution"] != "auto":
            # Imported here: Keras (which backend.py imports) only when a check needs it.
            from gan_pipeline.gan.backend import NAME  # noqa: PLC0415

            if NAME != "tensorflow":
                found.append(
                    f"distribution={settings['distribution']!r} is TensorFlow's tf.distribute "
                    f"and cannot run under KERAS_BACKEND={NAME}: run it with "
                    "KERAS_BACKEND=tensorflow, or use distribution=auto"
                )
        return found


@dataclass(frozen=True)
class QualityConfig(Checked):
    every: int = rule(250, low=1)
    samples: int = rule(1000, low=2)
    metrics: tuple[str, ...] = rule(QUALITY_METRICS, choices=QUALITY_METRICS)
    best_by: str = rule("fd", choices=BEST_BY)
    kid_subset_size: int = rule(500, low=2)
    kid_subsets: int = rule(10, low=1)
    min_share: float = rule(0.01, low=0, high=1)
    seed: int = 0
    batch_size: int = rule(500, low=1)

    @staticmethod
    def relations(settings: Mapping[str, Any], given: frozenset[str] = frozenset()) -> list[str]:
        if settings["best_by"] not in (*settings["metrics"], "last"):
            return [
                f"best_by={settings['best_by']!r} must be in metrics {list(settings['metrics'])}"
            ]
        return []


@dataclass(frozen=True)
class FaceOptions(Checked):
    """``<dataset>.preprocess`` of a photo dataset: how each photo becomes a training image."""

    image_size: int = 300  # the generator's output: upsampling_plan must build it
    fit: str = "pad"  # pad: whole photo on a square of pad_color; crop: centre square; face
    face_margin: float = 1.6  # fit: face keeps a square this many times the face's width
    pad_color: tuple[int, ...] = (0, 0, 0)  # also the background behind transparency
    min_size: int = rule(128, low=1)  # shorter side in pixels; smaller photos are bad images
    max_pixels: int = rule(Image.MAX_IMAGE_PIXELS, low=1)  # width * height above: a bomb
    on_bad_image: str = "skip"  # skip (warn, list it) | fail

    @staticmethod
    def relations(settings: Mapping[str, Any], given: frozenset[str] = frozenset()) -> list[str]:
        found = [problem] if (problem := size_problem(settings["image_size"])) else []
        if settings["fit"] not in FITS:
            found.append(f"fit={settings['fit']!r}; choose pad, crop or face")
        if settings["face_margin"] < 1:
            found.append(f"face_margin={settings['face_margin']!r}; want >= 1 (1 = the face alone)")
        color = tuple(settings["pad_color"])
        if len(color) != 3 or not all(0 <= c <= 255 for c in color):
            found.append(f"pad_color={color!r}; want [R, G, B] 0-255")
        if settings["on_bad_image"] not in BAD_IMAGE_ACTIONS:
            found.append(f"on_bad_image={settings['on_bad_image']!r}; choose skip or fail")
        return found


def _at_least_one(settings: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [f"{k}: {{{k!r}: {settings[k]}}} must be at least 1" for k in keys if settings[k] < 1]


@dataclass(frozen=True)
class Interpolation(Checked):
    """The generate pipeline's GIF: ``walks`` latent walks side by side, each through
    ``keyframes`` random points (looping back to the first), ``steps`` frames between two."""

    walks: int = 8
    keyframes: int = 4
    steps: int = 12

    @staticmethod
    def relations(settings: Mapping[str, Any], given: frozenset[str] = frozenset()) -> list[str]:
        return _at_least_one(settings, ("walks", "keyframes", "steps"))


@dataclass(frozen=True)
class GenerateOptions(Checked):
    """``<dataset>.generate``: what the generate pipeline draws, and from which generator."""

    n: int = 64
    seed: int = 0
    truncation: float | None = None  # redraw latent entries beyond +-truncation
    model_uri: str | None = None  # None: the catalog's file; else an MLflow model URI
    grid: int = 64  # images in grid.png (the first ones)
    interpolation: Interpolation = field(default_factory=Interpolation)
    # conditional generators: the classes, cycled; one class may come as a bare number (--params)
    classes: int | tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.interpolation, Mapping):
            object.__setattr__(self, "interpolation", Interpolation(**self.interpolation))
        if isinstance(self.classes, int) and not isinstance(self.classes, bool):
            object.__setattr__(self, "classes", (self.classes,))
        super().__post_init__()

    @staticmethod
    def relations(settings: Mapping[str, Any], given: frozenset[str] = frozenset()) -> list[str]:
        found = _at_least_one(settings, ("n", "grid"))
        truncation, classes = settings["truncation"], settings["classes"]
        if truncation is not None and truncation <= 0:
            found.append(f"truncation={truncation}; want a positive number or null")
        if isinstance(classes, list | tuple) and (not classes or any(c < 0 for c in classes)):
            found.append(f"classes={list(classes)}; want class numbers >= 0, or null")
        elif isinstance(classes, int) and classes < 0:
            found.append(f"classes=[{classes}]; want class numbers >= 0, or null")
        return found


@dataclass(frozen=True)
class EvaluationConfig(Checked):
    """``<dataset>.evaluation.scores``: the final evaluation of a trained generator."""

    metrics: tuple[str, ...] = rule(FEATURE_METRICS, choices=FEATURE_METRICS + IMAGE_METRICS)
    samples: int = rule(5000, low=2)  # two at least to compare
    seed: int = 1234
    batch_size: int = rule(500, low=1)
    kid_subset_size: int = rule(1000, low=2)
    kid_subsets: int = rule(100, low=1)
    min_share: float = rule(0.01, low=0, high=1)
    memorisation_samples: int = rule(64, low=1)
    memorisation_threshold: float = rule(0.9, low=-1, high=1)  # an SSIM
    diversity_samples: int = rule(64, low=2)  # pairs of them


@dataclass(frozen=True)
class ClassifierConfig(Checked):
    """``<dataset>.evaluation.classifier``: a labelled dataset's feature network
    (metrics/classifier.py), and the held-out accuracy below which the run fails."""

    epochs: int = rule(15, low=1)
    batch_size: int = rule(64, low=1)
    learning_rate: float = rule(3e-3, low=0, open_low=True)
    holdout: float = rule(0.1, low=0, high=1, open_low=True, open_high=True)
    min_accuracy: float = rule(0.98, low=0, high=1)
    max_images: int | None = rule(None, low=2)  # a seeded subset of this many (null: all)
    feature_dims: int = rule(128, low=1)
    translation: float = rule(0.1, low=0, high=1)
    dropout: float = rule(0.3, low=0, high=1, open_high=True)
    seed: int = 42


@dataclass(frozen=True)
class FiguresConfig(Checked):
    """``<dataset>.evaluation.figures``: the sample grid and the interpolation strip."""

    seed: int = 99
    grid_count: int = rule(64, low=1)
    interpolation_rows: int = rule(8, low=1)
    interpolation_steps: int = rule(10, low=1)


@dataclass(frozen=True)
class PixelsConfig(Checked):
    """``<dataset>.evaluation.pixels``: an unlabelled dataset's feature network."""

    size: int = rule(8, low=1)  # area-average to size x size (metrics/features.py)


@dataclass(frozen=True)
class TrackingConfig(Checked):
    """``conf/*/mlflow.yml``: where and how the MLflow hook tracks (docs/tracking.md)."""

    tracking_uri: str | None = None
    experiment_name: str = "gan-pipeline"
    tracking: str = rule("required", choices=TRACKING_MODES)
    register_model: bool = True
    http: dict = field(default_factory=dict)  # MLFLOW_HTTP_REQUEST_* for every request
    live_every_s: float = rule(5.0, low=0, open_low=True)  # polls of a training's state folder


def problems(
    config: type[Checked],
    values: Mapping[str, Any],
    prefix: str = "",
    given: frozenset[str] = frozenset(),
) -> list[str]:
    """Everything wrong with ``values`` as settings of ``config``: unknown keys (with the
    nearest valid name), wrong types, values out of range; ``prefix`` names the group and
    ``given`` holds the keys the user set on the command line."""
    known = {f.name: f for f in fields(config)}
    hints = typing.get_type_hints(config)
    found = []
    for key, value in values.items():
        if key not in known:
            near = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {prefix}{near[0]}?)" if near else ""
            found.append(f"{prefix}{key}: unknown key{hint}")
        elif _is_checked(hints[key]) and isinstance(value, Mapping):
            inner = frozenset(k.removeprefix(f"{key}.") for k in given if k.startswith(f"{key}."))
            found += problems(hints[key], value, f"{prefix}{key}.", inner)
        elif not _has_type(value, hints[key]):
            found.append(
                f"{prefix}{key}={value!r}: expected {_type_name(hints[key])}, "
                f"got {type(value).__name__}"
            )
        elif message := _out_of_range(value, known[key].metadata):
            found.append(f"{prefix}{key}={value!r}: {message}")
    if not found:
        settings = {name: each.default for name, each in known.items()} | dict(values)
        found = [f"{prefix}{message}" for message in config.relations(settings, given)]
    return found


def _is_checked(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, Checked)


def _has_type(value: Any, hint: Any) -> bool:
    """``value`` fits the annotation: int, float (an int is fine), str, bool, a tuple of
    strings (YAML gives a list), None, or a union of these; a bool is no number."""
    if isinstance(hint, types.UnionType):
        return any(_has_type(value, member) for member in typing.get_args(hint))
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, list | tuple) and all(_has_type(v, item) for v in value)
    accepted = int | float if hint is float else hint
    return isinstance(value, accepted) and (hint is bool or not isinstance(value, bool))


def _type_name(hint: Any) -> str:
    if isinstance(hint, types.UnionType):
        return " or ".join(_type_name(member) for member in typing.get_args(hint))
    if typing.get_origin(hint) is tuple:
        return f"a list of {_type_name(typing.get_args(hint)[0])}"
    return {float: "a number", type(None): "null"}.get(hint, getattr(hint, "__name__", str(hint)))


def _out_of_range(value: Any, check: Mapping[str, Any]) -> str | None:
    choices = check.get("choices")
    if choices is not None:
        given = value if isinstance(value, list | tuple) else [value]
        unknown = [v for v in given if v not in choices]
        return f"unknown {unknown}; choose from {list(choices)}" if unknown else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    low, high = check.get("low"), check.get("high")
    if not math.isfinite(value):
        return "must be a finite number"
    too_low = low is not None and (value <= low if check["open_low"] else value < low)
    too_high = high is not None and (value >= high if check["open_high"] else value > high)
    if not (too_low or too_high):
        return None
    below = f"{'>' if check['open_low'] else '>='} {low}"
    above = f"{'<' if check['open_high'] else '<='} {high}"
    if high is None:
        return f"must be {below}"
    return f"must be {below} and {above}" if low is not None else f"must be {above}"
