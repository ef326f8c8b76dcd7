"""Fixtures: the Alibaba engine against the DashScope fake, in-process, on simulated time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.alibaba import AlibabaFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.alibaba.harness import BASE_URL
from vidgate.engines.alibaba import AlibabaEngine


@pytest.fixture
def sim() -> SimulatedTime:
    return SimulatedTime()


@pytest.fixture
def fake(sim: SimulatedTime) -> AlibabaFake:
    return AlibabaFake(clock=sim.clock)


@pytest.fixture
async def http(fake: AlibabaFake) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(fake))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def engine(http: httpx.AsyncClient, sim: SimulatedTime) -> AlibabaEngine:
    return AlibabaEngine(http, sleep=sim.sleep, clock=sim.clock)


@pytest.fixture
def ctx(tmp_path: Path) -> RecordingContext:
    return RecordingContext(workdir=tmp_path)
