"""The shared vendor loop (``engines/remote.py``) and its hooks, on a scripted in-memory vendor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.engine_context import RecordingContext
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.scripted import DONE, SUBMITTING, ScriptedEngine, make_job
from vidgate.domain.errors import (
    GenerationError,
    UpstreamAuth,
    UpstreamLost,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.engines.protocol import LocalVideo, RemoteVideo
from vidgate.engines.remote import TaskSnapshot


@pytest.fixture
def sim() -> SimulatedTime:
    return SimulatedTime(now=1_000.0)


@pytest.fixture
async def engine(sim: SimulatedTime) -> AsyncIterator[ScriptedEngine]:
    async with httpx.AsyncClient() as http:
        yield ScriptedEngine(http, sim)


@pytest.fixture
def ctx(tmp_path: Path) -> RecordingContext:
    return RecordingContext(workdir=tmp_path)


async def test_poll_and_fetch_output_get_the_jobs_workdir(
    engine: ScriptedEngine, ctx: RecordingContext, tmp_path: Path
) -> None:
    engine.fetches = [LocalVideo(tmp_path / "v.mp4")]

    output = await engine.run(make_job(), ctx)

    assert output == LocalVideo(tmp_path / "v.mp4")
    assert engine.workdirs == [tmp_path, tmp_path]


async def test_transient_fetch_errors_are_retried_without_polling_again(
    engine: ScriptedEngine, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    engine.fetches = [
        UpstreamUnavailable("busy"),
        UpstreamRateLimited("slow down", retry_after=45.0),
        RemoteVideo("https://cdn.test/fetched.mp4"),
    ]

    output = await engine.run(make_job(), ctx)

    assert output == RemoteVideo("https://cdn.test/fetched.mp4")
    assert engine.polls == []
    assert sim.sleeps == [10.0, 20.0, 45.0]
    assert [r.phase for r in ctx.reports] == ["running"]


async def test_fetch_errors_past_max_errors_fail_the_job(
    engine: ScriptedEngine, ctx: RecordingContext
) -> None:
    engine.fetches = [UpstreamUnavailable(f"busy {i}") for i in range(3)]

    with pytest.raises(UpstreamUnavailable, match="busy 2"):
        await engine.run(make_job(), ctx)

    assert ctx.upstream is not None and ctx.upstream["task_id"] == "t-1"


async def test_poll_and_fetch_errors_share_one_bound(
    engine: ScriptedEngine, ctx: RecordingContext
) -> None:
    engine.polls = [UpstreamUnavailable("poll down"), DONE]
    engine.fetches = [UpstreamUnavailable("fetch 1"), UpstreamUnavailable("fetch 2")]

    with pytest.raises(UpstreamUnavailable, match="fetch 2"):
        await engine.run(make_job(), ctx)


async def test_a_final_fetch_error_is_not_retried(
    engine: ScriptedEngine, ctx: RecordingContext
) -> None:
    engine.fetches = [UpstreamAuth("the download needs a key")]

    with pytest.raises(UpstreamAuth):
        await engine.run(make_job(), ctx)


async def test_the_deployments_policy_paces_submit_retries_and_polls(
    engine: ScriptedEngine, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    engine.creates = [UpstreamUnavailable("busy"), {"task_id": "t-1"}]
    engine.polls = [TaskSnapshot("running"), DONE]

    await engine.run(make_job(slow=True), ctx)

    assert sim.sleeps == [60.0, 30.0, 30.0]


async def test_a_job_left_submitting_follows_the_task_recovery_finds(
    engine: ScriptedEngine, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    ctx.upstream = SUBMITTING
    engine.creates = []
    engine.recovered = [{"task_id": "found", "submitted_at": 900.0}]

    output = await engine.run(make_job(), ctx)

    assert output == DONE.output
    assert ctx.saved[0] == {
        "phase": "submitted",
        "deployment": "scripted",
        "submitted_at": 900.0,
        "task_id": "found",
    }


async def test_a_job_left_submitting_without_a_recovered_task_is_lost(
    engine: ScriptedEngine, ctx: RecordingContext
) -> None:
    ctx.upstream = SUBMITTING
    engine.creates = []

    with pytest.raises(UpstreamLost, match="not sent again"):
        await engine.run(make_job(), ctx)

    assert ctx.saved == []


async def test_an_ambiguous_create_is_recovered_before_it_counts_as_lost(
    engine: ScriptedEngine, ctx: RecordingContext
) -> None:
    engine.creates = [UpstreamLost("the connection broke")]
    engine.recovered = [{"task_id": "found"}]

    await engine.run(make_job(), ctx)

    assert ctx.saved[-1] is not None and ctx.saved[-1]["task_id"] == "found"


@pytest.mark.parametrize("recovery", [None, UpstreamAuth("the lookup was refused")])
async def test_an_ambiguous_create_not_recovered_stays_submitting_and_is_lost(
    recovery: dict[str, Any] | GenerationError | None,
    engine: ScriptedEngine,
    ctx: RecordingContext,
) -> None:
    engine.creates = [UpstreamLost("the connection broke")]
    engine.recovered = [recovery]

    with pytest.raises(UpstreamLost, match="the connection broke"):
        await engine.run(make_job(), ctx)

    assert ctx.upstream == SUBMITTING


def test_readiness_reads_the_options_schema(engine: ScriptedEngine) -> None:
    assert engine.readiness(make_job().deployment).ready
    bad = engine.readiness(make_job(slow="yes").deployment)
    assert bad.reason == "scripted option slow must be true or false, got 'yes'"
