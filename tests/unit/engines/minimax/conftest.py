"""MiniMax engine tests run against the fake MiniMax app in-process, on a simulated clock."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.minimax import MiniMaxFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.media import data_uri, decode_video, png_bytes
from tests.support.simulated_time import SimulatedTime
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.shapes import resolve_shape
from vidgate.domain.validation import validate_params
from vidgate.engines.minimax import MiniMaxEngine
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import EngineJob, InputImage, RemoteVideo

BASE_URL = "http://minimax.test"
API_KEY = "test-minimax-key"
CATALOGUE = seed_catalogue()
START = 1_700_000_000.0
MODEL_IDS = ("video-01", "video-01-live2d")
IMAGE_SIZE = (640, 360)


def deployment(**changes: Any) -> Deployment:
    base = Deployment(
        name="minimax-test",
        engine="minimax",
        base_url=BASE_URL,
        credentials={"api_key": API_KEY},
    )
    return dataclasses.replace(base, **changes)


def make_job(
    model_id: str,
    *,
    image: bytes | None = None,
    source_url: str | None = None,
    unified: bool = False,
    on: Deployment | None = None,
    **body: Any,
) -> EngineJob:
    """A job built the way the service builds it: validated params, fetched images."""
    spec = CATALOGUE.resolve(model_id)
    field = "image_url" if unified else "first_frame_image"
    if image is not None:
        body[field] = source_url or data_uri(image)
    params = validate_params(spec, body, unified=unified)
    images = {}
    if image is not None:
        images["first_frame_image"] = InputImage(
            field="first_frame_image",
            role="first_frame",
            data=image,
            mime="image/png",
            width=IMAGE_SIZE[0],
            height=IMAGE_SIZE[1],
            source_url=source_url,
        )
    shape = resolve_shape(spec, params, IMAGE_SIZE if image is not None else None)
    return EngineJob(
        id="job-minimax-1",
        model=spec,
        params=params,
        images=images,
        shape=shape,
        seed=7,
        deployment=on or deployment(),
    )


def still() -> bytes:
    return png_bytes(*IMAGE_SIZE)


def quick(policy: PollPolicy, **changes: Any) -> PollPolicy:
    return dataclasses.replace(policy, **changes)


async def download(http: httpx.AsyncClient, video: RemoteVideo, folder: Path) -> int:
    """Fetch the output like the worker does and return how many frames decode."""
    response = await http.get(video.url, headers=dict(video.headers))
    response.raise_for_status()
    path = folder / "out.mp4"
    path.write_bytes(response.content)
    return decode_video(path).frames


def reports(ctx: RecordingContext) -> list[tuple[str, int | None, str | None]]:
    return [(r.phase, r.progress, r.vendor_status) for r in ctx.reports]


def submitted(task_id: str, now: float, **extra: Any) -> Mapping[str, Any]:
    return {"phase": "submitted", "task_id": task_id, "submitted_at": now, **extra}


@pytest.fixture
def clock() -> SimulatedTime:
    return SimulatedTime(now=START)


@pytest.fixture
def fake(clock: SimulatedTime) -> MiniMaxFake:
    return MiniMaxFake(api_key=API_KEY, clock=clock)


@pytest.fixture
async def http(fake: MiniMaxFake) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(fake))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def engine(http: httpx.AsyncClient, clock: SimulatedTime) -> MiniMaxEngine:
    return MiniMaxEngine(http, sleep=clock.sleep, clock=clock)


@pytest.fixture
def ctx(tmp_path: Path) -> RecordingContext:
    return RecordingContext(workdir=tmp_path)
