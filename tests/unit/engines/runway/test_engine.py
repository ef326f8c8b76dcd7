"""The Runway engine end to end against the fake: mapping, state walk, output, resume, cancel."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.fakes.runway import RunwayFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.media import data_uri
from tests.support.servers import serve_in_thread
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.runway.conftest import (
    API_KEY,
    MODEL_IDS,
    deployment,
    download,
    input_image,
    make_job,
    reports,
    still,
)
from vidgate.domain.errors import UpstreamLost
from vidgate.engines.protocol import Engine, RemoteVideo
from vidgate.engines.runway import RunwayEngine

VENDOR_MODELS = {"gen3a_turbo": "gen3a_turbo", "runway/gen4_turbo": "gen4_turbo"}
RATIO_16_9 = {"gen3a_turbo": "1280:768", "runway/gen4_turbo": "1280:720"}


class Crash(Exception):
    """Stands for the worker process dying between two polls."""


def test_engine_meets_the_protocol_and_polls_no_faster_than_every_5_s(
    engine: RunwayEngine,
) -> None:
    assert isinstance(engine, Engine)
    assert engine.name == "runway"
    assert RunwayEngine.default_policy.min_interval == 5


@pytest.mark.parametrize("model_id", MODEL_IDS)
async def test_job_creates_once_walks_the_states_and_yields_a_playable_mp4(
    model_id: str,
    engine: RunwayEngine,
    fake: RunwayFake,
    http: httpx.AsyncClient,
    ctx: RecordingContext,
    tmp_path: Path,
) -> None:
    job = make_job(model_id, prompt="a fox turns its head")

    output = await engine.run(job, ctx)

    [create] = fake.creates
    assert create.json == {
        "model": VENDOR_MODELS[model_id],
        "promptImage": data_uri(still()),
        "promptText": "a fox turns its head",
        "ratio": RATIO_16_9[model_id],
        "duration": 10,
        "seed": 7,
    }
    assert create.headers["authorization"] == f"Bearer {API_KEY}"
    assert create.headers["x-runway-version"] == "2024-11-06"
    assert reports(ctx) == [
        ("queued", None, "PENDING"),
        ("running", 33, "RUNNING"),
        ("running", 67, "RUNNING"),
        ("running", 100, "SUCCEEDED"),
    ]
    assert isinstance(output, RemoteVideo)
    assert await download(http, output, tmp_path) == 8


async def test_gen3a_first_and_last_frames_go_as_a_positioned_array(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    first, last = still(), still(color=(10, 200, 90))
    images = {
        "image_url": input_image("image_url", first),
        "last_image_url": input_image("last_image_url", last),
    }
    job = make_job("gen3a_turbo", images=images, prompt="a fox", ratio="9:16", duration=5)

    await engine.run(job, ctx)

    assert fake.creates[0].json == {
        "model": "gen3a_turbo",
        "promptImage": [
            {"uri": data_uri(first), "position": "first"},
            {"uri": data_uri(last), "position": "last"},
        ],
        "promptText": "a fox",
        "ratio": "768:1280",
        "duration": 5,
        "seed": 7,
    }


async def test_caller_seed_wins_and_a_missing_prompt_is_omitted(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    job = make_job("runway/gen4_turbo", job_seed=7, seed=4294967295, ratio="21:9", duration=5)

    await engine.run(job, ctx)

    sent = fake.creates[0].json
    assert sent["seed"] == 4294967295
    assert sent["ratio"] == "1584:672"
    assert "promptText" not in sent


async def test_watermark_is_not_sent_unless_the_deployment_allows_it(
    engine: RunwayEngine, fake: RunwayFake, tmp_path: Path
) -> None:
    fake.watermark_allowed = True
    allowed = deployment(options={"send_watermark": True})

    await engine.run(make_job("gen3a_turbo", watermark=True), RecordingContext(tmp_path))
    await engine.run(
        make_job("gen3a_turbo", watermark=True, on=allowed), RecordingContext(tmp_path)
    )

    assert "watermark" not in fake.creates[0].json
    assert fake.creates[1].json["watermark"] is True


@pytest.mark.parametrize(
    ("source_url", "sent_as_url"),
    [
        ("https://images.example.com/fox.png", True),
        ("http://images.example.com/fox.png", False),
        ("https://203.0.113.7/fox.png", False),
        ("https://images.example.com/" + "x" * 2100 + ".png", False),
    ],
)
async def test_caller_url_is_forwarded_only_when_runway_can_fetch_it(
    source_url: str,
    sent_as_url: bool,
    engine: RunwayEngine,
    fake: RunwayFake,
    ctx: RecordingContext,
) -> None:
    images = {"image_url": input_image("image_url", still(), source_url=source_url)}

    await engine.run(make_job("runway/gen4_turbo", images=images), ctx)

    expected = source_url if sent_as_url else data_uri(still())
    assert fake.creates[0].json["promptImage"] == expected


async def test_resume_after_restart_follows_the_same_task_without_creating_again(
    http: httpx.AsyncClient, fake: RunwayFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    job = make_job("runway/gen4_turbo", prompt="a fox")

    async def dies_on_second_wait(seconds: float) -> None:
        if len(clock.sleeps) == 1:
            raise Crash
        await clock.sleep(seconds)

    with pytest.raises(Crash):
        await RunwayEngine(http, sleep=dies_on_second_wait, clock=clock).run(job, ctx)
    output = await RunwayEngine(http, sleep=clock.sleep, clock=clock).run(job, ctx)

    assert len(fake.creates) == 1
    assert isinstance(output, RemoteVideo)
    assert ctx.upstream is not None and ctx.upstream["task_id"] in fake.tasks


async def test_job_left_submitting_is_lost_without_any_call(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    ctx.upstream = {"phase": "submitting", "deployment": "runway-test"}

    with pytest.raises(UpstreamLost):
        await engine.run(make_job("gen3a_turbo"), ctx)

    assert fake.requests == []


async def test_polls_keep_runway_s_pace(
    engine: RunwayEngine, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    await engine.run(make_job("gen3a_turbo"), ctx)

    assert len(clock.sleeps) == 4
    assert all(5.0 <= wait <= 7.5 for wait in clock.sleeps)


async def test_task_over_the_concurrency_cap_waits_throttled_then_runs(
    http: httpx.AsyncClient, fake: RunwayFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    fake.concurrency = 1
    headers = {"Authorization": f"Bearer {API_KEY}", "X-Runway-Version": "2024-11-06"}
    body = {"model": "gen4_turbo", "promptImage": data_uri(still()), "ratio": "1280:720"}
    blocker = (await http.post("/v1/image_to_video", json=body, headers=headers)).json()["id"]

    async def sleep_while_the_blocker_advances(seconds: float) -> None:
        await clock.sleep(seconds)
        await http.get(f"/v1/tasks/{blocker}", headers=headers)

    engine = RunwayEngine(http, sleep=sleep_while_the_blocker_advances, clock=clock)
    output = await engine.run(make_job("runway/gen4_turbo"), ctx)

    assert isinstance(output, RemoteVideo)
    statuses = [r.vendor_status for r in ctx.reports]
    assert statuses[:3] == ["THROTTLED", "THROTTLED", "THROTTLED"]
    assert ctx.reports[0].phase == "queued"
    assert statuses[-1] == "SUCCEEDED"
    assert fake.tasks[blocker].status == "SUCCEEDED"


async def test_output_links_are_re_signed_on_each_poll_and_expire(
    engine: RunwayEngine,
    fake: RunwayFake,
    http: httpx.AsyncClient,
    ctx: RecordingContext,
    clock: SimulatedTime,
) -> None:
    output = await engine.run(make_job("gen3a_turbo"), ctx)
    assert isinstance(output, RemoteVideo) and ctx.upstream is not None
    clock.now += 10
    again = await engine.poll(make_job("gen3a_turbo"), ctx.upstream, ctx)
    assert isinstance(again.output, RemoteVideo)

    assert again.output.url != output.url
    clock.now += fake.url_lifetime - 5
    assert (await http.get(output.url)).status_code == 403
    assert (await http.get(again.output.url)).status_code == 200


@pytest.mark.parametrize(
    ("polls_before", "status", "billed", "deleted"),
    [
        (0, "PENDING", False, True),
        (1, "RUNNING", True, True),
        (4, "SUCCEEDED", True, False),
    ],
)
async def test_cancel_deletes_a_live_task_and_says_whether_runway_bills_it(
    polls_before: int,
    status: str,
    billed: bool,
    deleted: bool,
    engine: RunwayEngine,
    fake: RunwayFake,
    ctx: RecordingContext,
) -> None:
    job = make_job("gen3a_turbo")
    state = await engine.submit(job)
    for _ in range(polls_before):
        await engine.poll(job, state, ctx)

    assert await engine.cancel(job, state) is billed

    task = fake.tasks[state["task_id"]]
    assert task.deleted is deleted
    assert (task.status_when_deleted or task.status) == status


async def test_cancel_of_a_throttled_task_is_not_billed(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    fake.concurrency = 0
    job = make_job("runway/gen4_turbo")
    state = await engine.submit(job)

    assert await engine.cancel(job, state) is False

    assert fake.tasks[state["task_id"]].status_when_deleted == "THROTTLED"
    with pytest.raises(UpstreamLost, match="404"):
        await engine.poll(job, state, ctx)


async def test_cancel_of_a_failed_task_is_not_billed(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    fake.scenario = "internal_failure"
    fake.pending_polls = fake.running_polls = 0
    job = make_job("gen3a_turbo")
    state = await engine.submit(job)
    await engine.poll(job, state, ctx)

    assert await engine.cancel(job, state) is False
    assert fake.calls(f"/v1/tasks/{state['task_id']}", "DELETE") == []


def test_readiness_needs_an_api_key_and_valid_options(engine: RunwayEngine) -> None:
    assert engine.readiness(deployment()).ready
    assert not engine.readiness(deployment(credentials={})).ready
    assert "send_watermark" in engine.readiness(deployment(options={"send_watermark": 1})).reason
    assert "unknown" in engine.readiness(deployment(options={"colour": "red"})).reason


async def test_fake_serves_the_same_protocol_on_a_real_socket(
    fake: RunwayFake, clock: SimulatedTime, tmp_path: Path
) -> None:
    with serve_in_thread(create_app(fake)) as base_url:
        async with httpx.AsyncClient() as http:
            engine = RunwayEngine(http, sleep=clock.sleep, clock=clock)
            job = make_job("runway/gen4_turbo", on=deployment(base_url=base_url))
            output = await engine.run(job, RecordingContext(workdir=tmp_path))
            assert isinstance(output, RemoteVideo)
            assert output.url.startswith(base_url)
            assert await download(http, output, tmp_path) == 8
