"""The Alibaba engine against the DashScope fake: mapping, task walk, result, resume, cancel."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.fakes.alibaba import AlibabaFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.media import decode_video
from tests.support.simulated_time import SimulatedCrash, SimulatedTime
from tests.unit.engines.alibaba.harness import WAN, build_job, deployment_for
from vidgate.domain.errors import UpstreamLost
from vidgate.engines.alibaba import AlibabaEngine
from vidgate.engines.protocol import RemoteVideo

SYNTHESIS = "/api/v1/services/aigc/video-generation/video-synthesis"


async def test_one_create_carries_the_mapped_fields_and_the_async_header(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    await engine.run(build_job(deployment_for(fake)), ctx)

    [create] = fake.creates()
    assert create.path == SYNTHESIS
    assert create.headers["authorization"] == f"Bearer {fake.api_key}"
    assert create.headers["x-dashscope-async"] == "enable"
    assert create.json == {
        "model": "wan2.1-t2v-turbo",
        "input": {"prompt": "a red fox in the snow"},
        "parameters": {
            "size": "832*480",
            "duration": 5,
            "prompt_extend": False,
            "seed": 7,
            "watermark": False,
        },
    }


async def test_every_aiml_field_is_mapped_or_ignored(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    job = build_job(
        deployment_for(fake),
        seed=123,
        negative_prompt="blurry",
        aspect_ratio="9:16",
        inference_steps=12,
        guidance_scale=7.5,
        shift=3,
        sampler="dpm+",
        enable_safety_checker=False,
        enable_prompt_expansion=True,
    )

    await engine.run(job, ctx)

    assert fake.creates()[0].json == {
        "model": "wan2.1-t2v-turbo",
        "input": {"prompt": "a red fox in the snow", "negative_prompt": "blurry"},
        "parameters": {
            "size": "480*832",
            "duration": 5,
            "prompt_extend": True,
            "seed": 123,
            "watermark": False,
        },
    }


async def test_the_task_walks_pending_running_succeeded(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    await engine.run(build_job(deployment_for(fake)), ctx)

    [task] = fake.tasks.values()
    assert [(r.phase, r.progress, r.vendor_status) for r in ctx.reports] == [
        ("queued", None, "PENDING"),
        ("running", None, "RUNNING"),
        ("running", None, "RUNNING"),
        ("running", 100, "SUCCEEDED"),
    ]
    queries = fake.queries()
    assert {q.path for q in queries} == {f"/api/v1/tasks/{task.task_id}"}
    assert all("x-dashscope-async" not in q.headers for q in queries)
    assert ctx.upstream is not None and ctx.upstream["task_id"] == task.task_id


async def test_polls_follow_the_documented_fifteen_second_cadence(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    await engine.run(build_job(deployment_for(fake)), ctx)

    assert len(sim.sleeps) == 4
    assert all(12.0 <= wait <= 18.0 for wait in sim.sleeps)


async def test_the_video_url_downloads_without_auth_until_it_expires(
    engine: AlibabaEngine,
    fake: AlibabaFake,
    ctx: RecordingContext,
    http: httpx.AsyncClient,
    sim: SimulatedTime,
    tmp_path: Path,
) -> None:
    output = await engine.run(build_job(deployment_for(fake)), ctx)

    assert isinstance(output, RemoteVideo)
    assert output.headers == {}
    assert "Expires=" in output.url
    response = await http.get(output.url)
    assert response.status_code == 200
    (tmp_path / "wan.mp4").write_bytes(response.content)
    assert decode_video(tmp_path / "wan.mp4").frames > 0
    sim.now += fake.link_ttl + 1
    assert (await http.get(output.url)).status_code == 403


async def test_the_beijing_region_uses_its_model_name(
    ctx: RecordingContext, sim: SimulatedTime
) -> None:
    fake = AlibabaFake(region="cn", api_key="sk-cn-0123", clock=sim.clock)
    transport = httpx.ASGITransport(app=create_app(fake))
    async with httpx.AsyncClient(transport=transport) as http:
        engine = AlibabaEngine(http, sleep=sim.sleep, clock=sim.clock)
        output = await engine.run(build_job(deployment_for(fake)), ctx)

    assert fake.region == "cn" and fake.creates()[0].json["model"] == "wanx2.1-t2v-turbo"
    assert isinstance(output, RemoteVideo)


async def test_the_720p_tier_and_a_mapped_model_name(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    deployment = deployment_for(
        fake,
        options={"region": "intl", "resolution": "720p"},
        vendor_models={WAN: "wan2.1-t2v-plus"},
    )

    await engine.run(build_job(deployment, aspect_ratio="16:9"), ctx)

    body = fake.creates()[0].json
    assert (body["model"], body["parameters"]["size"]) == ("wan2.1-t2v-plus", "1280*720")


async def test_a_workspace_is_sent_as_a_header(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    deployment = deployment_for(fake, options={"workspace": "llm-abc123"})

    await engine.run(build_job(deployment), ctx)

    assert all(r.headers["x-dashscope-workspace"] == "llm-abc123" for r in fake.requests)


async def test_a_restarted_worker_resumes_polling_without_creating_again(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    job = build_job(deployment_for(fake))
    sim.crash_at_sleep = 3

    with pytest.raises(SimulatedCrash):
        await engine.run(job, ctx)
    task_id = (ctx.upstream or {})["task_id"]
    output = await engine.run(job, ctx)

    assert len(fake.creates()) == 1
    assert list(fake.tasks) == [task_id]
    assert isinstance(output, RemoteVideo)


async def test_a_job_lost_while_submitting_is_not_sent_again(
    engine: AlibabaEngine, fake: AlibabaFake, tmp_path: Path
) -> None:
    ctx = RecordingContext(workdir=tmp_path, upstream={"phase": "submitting"})

    with pytest.raises(UpstreamLost):
        await engine.run(build_job(deployment_for(fake)), ctx)

    assert fake.requests == []


async def test_cancelling_a_pending_task_is_not_billed(
    engine: AlibabaEngine, fake: AlibabaFake, http: httpx.AsyncClient
) -> None:
    job = build_job(deployment_for(fake))
    task_id = await _create_directly(http, fake)

    billed = await engine.cancel(job, {"task_id": task_id})

    assert billed is False
    assert fake.tasks[task_id].status == "CANCELED"
    [cancel] = fake.cancels()
    assert cancel.path == f"/api/v1/tasks/{task_id}/cancel"


async def test_cancelling_a_running_task_is_refused_and_billed(
    engine: AlibabaEngine, fake: AlibabaFake, http: httpx.AsyncClient
) -> None:
    job = build_job(deployment_for(fake))
    task_id = await _create_directly(http, fake)
    fake.advance(fake.tasks[task_id])
    fake.advance(fake.tasks[task_id])

    billed = await engine.cancel(job, {"task_id": task_id})

    assert billed is True
    assert fake.tasks[task_id].status == "RUNNING"


async def test_cancel_without_a_task_id_sends_nothing(
    engine: AlibabaEngine, fake: AlibabaFake
) -> None:
    assert await engine.cancel(build_job(deployment_for(fake)), {"phase": "submitting"}) is False
    assert fake.requests == []


async def _create_directly(http: httpx.AsyncClient, fake: AlibabaFake) -> str:
    response = await http.post(
        "/api/v1/services/aigc/video-generation/video-synthesis",
        json={"model": "wan2.1-t2v-turbo", "input": {"prompt": "p"}},
        headers={"Authorization": f"Bearer {fake.api_key}", "X-DashScope-Async": "enable"},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["output"]["task_id"])
