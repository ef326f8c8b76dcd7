"""Restarts and lost create calls never start a second paid Kling task.

Default: a job caught between "sending the create" and "knowing the task id" fails with
UpstreamLost. With the deployment option ``recover_by_external_id`` the engine looks the task
up by its ``external_task_id`` (the job id) and follows it instead.
"""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.kling import KlingFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.simulated_time import SimulatedCrash, SimulatedTime
from tests.unit.engines.kling.harness import BASE_URL, JobFactory, deployment_for
from vidgate.domain.errors import UpstreamLost
from vidgate.engines.kling import KlingEngine
from vidgate.engines.protocol import EngineJob, RemoteVideo

T2V = "kling-video/v1.6/standard/text-to-video"
RECOVERING = {"recover_by_external_id": True}


class CutAfterFirstCreate(httpx.AsyncBaseTransport):
    """The create reaches Kling, then the connection breaks before the answer arrives."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.cut = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if request.method == "POST" and not self.cut:
            self.cut = True
            await response.aclose()
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


def recovering_job(make_job: JobFactory, fake: KlingFake) -> EngineJob:
    return make_job(T2V, deployment=deployment_for(fake, options=RECOVERING), prompt="p")


async def test_restart_while_polling_resumes_without_a_second_create(
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
    sim: SimulatedTime,
) -> None:
    job = make_job(T2V, prompt="p")
    sim.crash_at_sleep = 2
    with pytest.raises(SimulatedCrash):
        await engine.run(job, ctx)
    assert ctx.upstream is not None and "task_id" in ctx.upstream

    output = await engine.run(job, ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates()) == 1
    assert len(fake.tasks) == 1


async def test_job_left_submitting_is_lost_without_any_call(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    ctx.upstream = {"phase": "submitting", "deployment": "kling-test"}

    with pytest.raises(UpstreamLost, match="not sent again"):
        await engine.run(make_job(T2V, prompt="p"), ctx)

    assert fake.requests == []


async def test_retried_create_that_kling_already_accepted_is_refused_not_doubled(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    fake.scenario = "creates_then_errors_once"

    with pytest.raises(UpstreamLost, match="already holds a task"):
        await engine.run(make_job(T2V, prompt="p"), ctx)

    assert len(fake.creates()) == 2
    assert len(fake.tasks) == 1
    assert ctx.upstream == {"phase": "submitting", "deployment": "kling-test"}


async def test_connection_cut_after_the_create_is_lost(
    fake: KlingFake, sim: SimulatedTime, make_job: JobFactory, ctx: RecordingContext
) -> None:
    transport = CutAfterFirstCreate(httpx.ASGITransport(app=create_app(fake)))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        engine = KlingEngine(http, sleep=sim.sleep, clock=sim.clock)
        with pytest.raises(UpstreamLost, match="connection"):
            await engine.run(make_job(T2V, prompt="p"), ctx)

    assert len(fake.creates()) == 1
    assert fake.queries() == []


async def test_recovery_follows_the_task_found_by_external_id_after_a_restart(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    job = recovering_job(make_job, fake)
    task = fake.new_task("text2video", {"prompt": "p", "external_task_id": job.id})
    ctx.upstream = {"phase": "submitting", "deployment": "kling-test"}

    output = await engine.run(job, ctx)

    assert isinstance(output, RemoteVideo)
    assert fake.creates() == []
    assert fake.queries()[0].path == f"/v1/videos/text2video/{job.id}"
    assert {q.path for q in fake.queries()[1:]} == {f"/v1/videos/text2video/{task.task_id}"}
    assert ctx.saved[0] is not None
    assert ctx.saved[0]["task_id"] == task.task_id
    assert ctx.saved[0]["recovered"] is True
    assert ctx.saved[0]["submitted_at"] == task.created_at / 1000


async def test_recovery_that_finds_nothing_still_fails_as_lost(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    ctx.upstream = {"phase": "submitting", "deployment": "kling-test"}

    with pytest.raises(UpstreamLost):
        await engine.run(recovering_job(make_job, fake), ctx)

    assert fake.creates() == []
    assert len(fake.queries()) == KlingEngine.default_policy.submit_attempts


async def test_recovery_adopts_the_task_behind_a_duplicate_refusal(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    fake.scenario = "creates_then_errors_once"

    output = await engine.run(recovering_job(make_job, fake), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates()) == 2
    assert len(fake.tasks) == 1


async def test_recovery_adopts_the_task_behind_a_cut_connection(
    fake: KlingFake, sim: SimulatedTime, make_job: JobFactory, ctx: RecordingContext
) -> None:
    transport = CutAfterFirstCreate(httpx.ASGITransport(app=create_app(fake)))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        engine = KlingEngine(http, sleep=sim.sleep, clock=sim.clock)
        output = await engine.run(recovering_job(make_job, fake), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates()) == 1
    assert ctx.upstream is not None and ctx.upstream["recovered"] is True


async def test_recovery_ignores_a_task_with_another_external_id(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    job = recovering_job(make_job, fake)
    stranger = fake.new_task("text2video", {"prompt": "p", "external_task_id": "someone-else"})
    stranger.task_id = job.id  # a lookup by path now finds a task that is not ours
    fake.tasks = {job.id: stranger}
    ctx.upstream = {"phase": "submitting", "deployment": "kling-test"}

    with pytest.raises(UpstreamLost):
        await engine.run(job, ctx)
