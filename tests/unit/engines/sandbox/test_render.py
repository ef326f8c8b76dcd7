"""What the sandbox draws: repeatable clips, visible motion, and faithful input images."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageOps

from tests.unit.engines.sandbox.conftest import (
    RGBFrames,
    decode,
    generate,
    mean_difference,
    picture,
    small_job,
)
from vidgate.domain.jobs import VideoShape
from vidgate.engines.sandbox import SandboxEngine

I2V_MODEL = "gen3a_turbo"
FRAME_SIZE = (256, 144)
ROLL: dict[str, Any] = {"advanced_camera_control": {"movement_type": "roll", "movement_value": 3}}
# x264 at its default quality, 4:2:0 chroma and the SANDBOX badge keep a faithful frame
# a few levels off; a different picture is tens of levels off.
CLOSE = 6.0


async def test_the_same_request_gives_the_same_bytes(engine: SandboxEngine, tmp_path: Path) -> None:
    job = small_job(prompt="a paper boat on a pond", seed=42)

    first = await generate(engine, job, tmp_path / "first")
    second = await generate(engine, job, tmp_path / "second")

    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    "change", [{"seed": 43}, {"prompt": "a paper boat on a lake"}], ids=["seed", "prompt"]
)
async def test_another_seed_or_prompt_gives_another_clip(
    engine: SandboxEngine, tmp_path: Path, change: dict[str, Any]
) -> None:
    original: dict[str, Any] = {"prompt": "a paper boat on a pond", "seed": 42}

    first = await generate(engine, small_job(**original), tmp_path / "original")
    second = await generate(engine, small_job(**original | change), tmp_path / "changed")

    assert first.read_bytes() != second.read_bytes()


AWKWARD_SHAPES = [
    pytest.param(VideoShape(width=130, height=98, fps=8, frames=5), id="sides-not-fours"),
    pytest.param(VideoShape(width=256, height=144, fps=24, frames=1), id="one-frame"),
]


@pytest.mark.parametrize("shape", AWKWARD_SHAPES)
async def test_text_to_video_renders_awkward_shapes(
    engine: SandboxEngine, tmp_path: Path, shape: VideoShape
) -> None:
    job = small_job(shape=shape, prompt="a kite", **ROLL)

    frames = decode(await generate(engine, job, tmp_path))

    assert frames.shape == (shape.frames, shape.height, shape.width, 3)


@pytest.mark.parametrize("shape", AWKWARD_SHAPES)
async def test_image_to_video_renders_awkward_shapes(
    engine: SandboxEngine, tmp_path: Path, shape: VideoShape
) -> None:
    job = small_job(I2V_MODEL, shape=shape, images={"image_url": picture(300, 400)})

    frames = decode(await generate(engine, job, tmp_path))

    assert frames.shape == (shape.frames, shape.height, shape.width, 3)


async def test_text_to_video_moves(engine: SandboxEngine, tmp_path: Path) -> None:
    frames = decode(await generate(engine, small_job(prompt="a bouncing ball"), tmp_path))

    steps = [mean_difference(a, b) for a, b in itertools.pairwise(frames)]
    assert min(steps) > 0.1
    assert frames.std() > 10  # a scene, not a flat colour


async def test_text_to_video_captions_the_prompt(engine: SandboxEngine, tmp_path: Path) -> None:
    quiet = decode(await generate(engine, small_job(prompt=" "), tmp_path / "quiet"))
    captioned = decode(await generate(engine, small_job(prompt="x" * 80), tmp_path / "long"))

    band = slice(-12, None)
    assert captioned[0][band].mean() < quiet[0][band].mean()


async def test_image_to_video_starts_on_the_image(engine: SandboxEngine, tmp_path: Path) -> None:
    image = picture(600, 600)
    job = small_job(I2V_MODEL, images={"image_url": image})

    frames = decode(await generate(engine, job, tmp_path))

    assert mean_difference(frames[0], cover_fit(image)) < CLOSE


async def test_image_to_video_pushes_in_slowly(engine: SandboxEngine, tmp_path: Path) -> None:
    image = picture(600, 600)
    job = small_job(I2V_MODEL, images={"image_url": image})

    frames = decode(await generate(engine, job, tmp_path))

    pushed_in = mean_difference(frames[-1], magnified(cover_fit(image), 1.1))
    assert pushed_in < CLOSE
    assert pushed_in < mean_difference(frames[-1], cover_fit(image)) / 2


async def test_image_to_video_ends_on_the_last_image(engine: SandboxEngine, tmp_path: Path) -> None:
    first, last = picture(600, 600), picture(600, 600, inverted=True)
    job = small_job(I2V_MODEL, images={"image_url": first, "last_image_url": last})

    frames = decode(await generate(engine, job, tmp_path))

    assert mean_difference(frames[0], cover_fit(first)) < CLOSE
    assert mean_difference(frames[-1], cover_fit(last)) < CLOSE
    halfway = frames[len(frames) // 2]
    assert mean_difference(halfway, cover_fit(last)) > 10 * CLOSE  # it fades in the last part


def cover_fit(data: bytes) -> RGBFrames:
    with Image.open(io.BytesIO(data)) as image:
        fitted = ImageOps.fit(image.convert("RGB"), FRAME_SIZE, Image.Resampling.LANCZOS)
    return np.asarray(fitted)


def magnified(frame: RGBFrames, factor: float) -> RGBFrames:
    """``frame`` enlarged ``factor`` times about its centre, cropped to its size."""
    height, width = frame.shape[:2]
    seen_width, seen_height = width / factor, height / factor
    box = (
        (width - seen_width) / 2,
        (height - seen_height) / 2,
        (width + seen_width) / 2,
        (height + seen_height) / 2,
    )
    resized = Image.fromarray(frame).resize((width, height), Image.Resampling.BILINEAR, box=box)
    return np.asarray(resized)
