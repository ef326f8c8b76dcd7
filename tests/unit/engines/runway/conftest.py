"""Runway engine tests run against the fake Runway app in-process, on a simulated clock."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.runway import RunwayFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.media import data_uri, decode_video, png_bytes
from tests.support.simulated_time import SimulatedTime
from vidgate.domain.catalogue import ImageRole
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.shapes import resolve_shape
from vidgate.domain.validation import validate_params
from vidgate.engines.protocol import EngineJob, InputImage, RemoteVideo
from vidgate.engines.runway import RunwayEngine

BASE_URL = "http://runway.test"
API_KEY = "test-runway-key"
CATALOGUE = seed_catalogue()
START = 1_700_000_000.0
MODEL_IDS = ("gen3a_turbo", "runway/gen4_turbo")
IMAGE_SIZE = (640, 360)


def deployment(**changes: Any) -> Deployment:
    base = Deployment(
        name="runway-test", engine="runway", base_url=BASE_URL, credentials={"api_key": API_KEY}
    )
    return dataclasses.replace(base, **changes)


def input_image(field: str, data: bytes, source_url: str | None = None) -> InputImage:
    role: ImageRole = "last_frame" if field == "last_image_url" else "first_frame"
    return InputImage(
        field=field,
        role=role,
        data=data,
        mime="image/png",
        width=IMAGE_SIZE[0],
        height=IMAGE_SIZE[1],
        source_url=source_url,
    )


def make_job(
    model_id: str,
    *,
    images: dict[str, InputImage] | None = None,
    on: Deployment | None = None,
    job_seed: int = 7,
    **body: Any,
) -> EngineJob:
    """A job built the way the service builds it; a first frame is made when none is given."""
    spec = CATALOGUE.resolve(model_id)
    images = images if images is not None else {"image_url": input_image("image_url", still())}
    for name, image in images.items():
        body[name] = image.source_url or data_uri(image.data)
    params = validate_params(spec, body)
    return EngineJob(
        id="job-runway-1",
        model=spec,
        params=params,
        images=images,
        shape=resolve_shape(spec, params),
        seed=job_seed,
        deployment=on or deployment(),
    )


def still(color: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    return png_bytes(*IMAGE_SIZE, color=color)


async def download(http: httpx.AsyncClient, video: RemoteVideo, folder: Path) -> int:
    """Fetch the output like the worker does and return how many frames decode."""
    response = await http.get(video.url, headers=dict(video.headers))
    response.raise_for_status()
    path = folder / "out.mp4"
    path.write_bytes(response.content)
    return decode_video(path).frames


def reports(ctx: RecordingContext) -> list[tuple[str, int | None, str | None]]:
    return [(r.phase, r.progress, r.vendor_status) for r in ctx.reports]


@pytest.fixture
def clock() -> SimulatedTime:
    return SimulatedTime(now=START)


@pytest.fixture
def fake(clock: SimulatedTime) -> RunwayFake:
    return RunwayFake(api_key=API_KEY, clock=clock)


@pytest.fixture
async def http(fake: RunwayFake) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(fake))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def engine(http: httpx.AsyncClient, clock: SimulatedTime) -> RunwayEngine:
    return RunwayEngine(http, sleep=clock.sleep, clock=clock)


@pytest.fixture
def ctx(tmp_path: Path) -> RecordingContext:
    return RecordingContext(workdir=tmp_path)
