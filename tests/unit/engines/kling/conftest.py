"""Fixtures: the Kling engine against the Kling fake, in-process, on simulated time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.kling import KlingFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.kling.harness import BASE_URL, JobFactory, build_job, deployment_for
from vidgate.domain.routing import Deployment
from vidgate.engines.kling import KlingEngine
from vidgate.engines.protocol import EngineJob, InputImage


@pytest.fixture
def sim() -> SimulatedTime:
    return SimulatedTime()


@pytest.fixture
def fake(sim: SimulatedTime) -> KlingFake:
    return KlingFake(clock=sim.clock)


@pytest.fixture
async def http(fake: KlingFake) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(fake))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def engine(http: httpx.AsyncClient, sim: SimulatedTime) -> KlingEngine:
    return KlingEngine(http, sleep=sim.sleep, clock=sim.clock)


@pytest.fixture
def ctx(tmp_path: Path) -> RecordingContext:
    return RecordingContext(workdir=tmp_path)


@pytest.fixture
def make_job(fake: KlingFake) -> JobFactory:
    """``make_job(model_id, images=..., deployment=..., **aiml_body)``."""

    def build(
        model_id: str,
        *,
        images: Mapping[str, InputImage] | None = None,
        deployment: Deployment | None = None,
        **body: Any,
    ) -> EngineJob:
        return build_job(deployment or deployment_for(fake), model_id, images=images, **body)

    return build
