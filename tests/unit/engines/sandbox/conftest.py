"""Jobs for the sandbox engine, built the way the service builds them, and clip readers."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from tests.support.engine_context import RecordingContext
from vidgate.domain.jobs import VideoShape
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.shapes import resolve_shape
from vidgate.domain.validation import validate_params
from vidgate.engines.protocol import EngineJob, InputImage, LocalVideo
from vidgate.engines.sandbox import SandboxEngine

CATALOGUE = seed_catalogue()
SANDBOX = Deployment(name="sandbox", engine="sandbox")
# Small enough to be quick, large enough that x264's output is repeatable (not so at 64 px).
SMALL = VideoShape(width=256, height=144, fps=8, frames=12)
CAMERA_MODEL = "kling-video/v1/standard/text-to-video"
RGBFrames = npt.NDArray[np.uint8]


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def engine() -> SandboxEngine:
    return SandboxEngine(sleep=no_sleep)


def catalogue_job(
    model_id: str,
    *,
    images: Mapping[str, bytes] | None = None,
    seed: int = 1,
    job_id: str | None = None,
    **body: Any,
) -> EngineJob:
    """A job for ``model_id`` with the shape the service would resolve for ``body``."""
    spec = CATALOGUE.resolve(model_id)
    images = images or {}
    references = {name: "https://example.com/input.png" for name in images}
    params = validate_params(spec, {**body, **references})
    inputs = {
        name: _input_image(spec.params[name].image_role, name, data)
        for name, data in images.items()
    }
    first = next((i for i in inputs.values() if i.role == "first_frame"), None)
    size = (first.width, first.height) if first is not None else None
    return EngineJob(
        id=job_id or uuid.uuid4().hex,
        model=spec,
        params=params,
        images=inputs,
        shape=resolve_shape(spec, params, size),
        seed=seed,
        deployment=SANDBOX,
    )


def small_job(
    model_id: str = CAMERA_MODEL,
    *,
    shape: VideoShape = SMALL,
    **options: Any,
) -> EngineJob:
    """A catalogue job rendered at a small shape, for tests not about the model's shape."""
    return replace(catalogue_job(model_id, **options), shape=shape)


def _input_image(role: Any, name: str, data: bytes) -> InputImage:
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    return InputImage(
        field=name, role=role, data=data, mime="image/png", width=width, height=height
    )


def picture(width: int, height: int, *, inverted: bool = False) -> bytes:
    """A PNG with structure along both axes, so a wrong crop or move shows."""
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    waves = 127.5 + 100 * np.sin(x / 12) * np.sin(y / 12)
    pixels = np.stack(np.broadcast_arrays(x, y, waves), axis=-1).astype(np.uint8)
    if inverted:
        pixels = 255 - pixels
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


async def generate(engine: SandboxEngine, job: EngineJob, workdir: Path) -> Path:
    output = await engine.run(job, RecordingContext(workdir=folder(workdir)))
    assert isinstance(output, LocalVideo)
    return output.path


def folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def decode(path: Path) -> RGBFrames:
    """Every frame of the clip as RGB: (frames, height, width, 3)."""
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def mean_difference(first: npt.NDArray[Any], second: npt.NDArray[Any]) -> float:
    return float(np.abs(first.astype(np.float32) - second.astype(np.float32)).mean())
