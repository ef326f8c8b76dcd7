"""The MiniMax engine end to end against the fake: mapping, state walk, output, resume."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.fakes.minimax import MiniMaxFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.media import data_uri
from tests.support.servers import serve_in_thread
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.minimax.conftest import (
    MODEL_IDS,
    deployment,
    download,
    make_job,
    reports,
    still,
    submitted,
)
from vidgate.domain.errors import UpstreamLost
from vidgate.engines.minimax import MiniMaxEngine
from vidgate.engines.protocol import Engine, RemoteVideo


class Crash(Exception):
    """Stands for the worker process dying between two polls."""


def test_engine_meets_the_protocol(engine: MiniMaxEngine) -> None:
    assert isinstance(engine, Engine)
    assert engine.name == "minimax"


@pytest.mark.parametrize("model_id", MODEL_IDS)
async def test_image_job_creates_once_walks_the_states_and_yields_a_playable_mp4(
    model_id: str,
    engine: MiniMaxEngine,
    fake: MiniMaxFake,
    http: httpx.AsyncClient,
    ctx: RecordingContext,
    tmp_path: Path,
) -> None:
    image = still()
    job = make_job(model_id, image=image, prompt="a fox runs through snow")

    output = await engine.run(job, ctx)

    assert [c.json for c in fake.creates] == [
        {
            "model": model_id,
            "prompt": "a fox runs through snow",
            "prompt_optimizer": True,
            "first_frame_image": data_uri(image),
        }
    ]
    assert reports(ctx) == [
        ("queued", None, "Preparing"),
        ("queued", None, "Queueing"),
        ("running", None, "Processing"),
        ("running", 100, "Success"),
    ]
    assert isinstance(output, RemoteVideo)
    assert await download(http, output, tmp_path) == 8


async def test_text_job_sends_prompt_and_optimizer_only(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    job = make_job("video-01", prompt="[Pan left] a harbour at dawn", prompt_optimizer=False)

    await engine.run(job, ctx)

    assert [c.json for c in fake.creates] == [
        {"model": "video-01", "prompt": "[Pan left] a harbour at dawn", "prompt_optimizer": False}
    ]


async def test_caller_url_is_forwarded_instead_of_the_bytes(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    url = "https://images.example.com/fox.png"
    job = make_job("video-01", image=still(), source_url=url, prompt="a fox")

    await engine.run(job, ctx)

    assert fake.creates[0].json["first_frame_image"] == url


async def test_unified_aliases_arrive_under_minimax_names(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    image = still()
    job = make_job("video-01", image=image, unified=True, prompt="a fox", enhance_prompt=False)

    await engine.run(job, ctx)

    sent = fake.creates[0].json
    assert sent["prompt_optimizer"] is False
    assert sent["first_frame_image"] == data_uri(image)
    assert "image_url" not in sent and "enhance_prompt" not in sent


async def test_operator_model_names_split_text_and_image_jobs(
    engine: MiniMaxEngine, fake: MiniMaxFake, tmp_path: Path
) -> None:
    split = deployment(
        vendor_models={"video-01": "T2V-01"}, options={"image_models": {"video-01": "I2V-01"}}
    )

    await engine.run(make_job("video-01", prompt="a fox", on=split), RecordingContext(tmp_path))
    image_job = make_job("video-01", image=still(), prompt="a fox", on=split)
    await engine.run(image_job, RecordingContext(tmp_path))

    assert [c.json["model"] for c in fake.creates] == ["T2V-01", "I2V-01"]


async def test_submit_saves_the_task_id_before_the_first_poll(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert ctx.saved[0] == {"phase": "submitting", "deployment": "minimax-test"}
    task_id = next(iter(fake.tasks))
    assert ctx.saved[1] == {
        "phase": "submitted",
        "deployment": "minimax-test",
        "submitted_at": 1_700_000_000.0,
        "task_id": task_id,
        "model": "video-01",
    }
    assert ctx.upstream is not None and ctx.upstream["file_id"] == str(fake.tasks[task_id].file_id)


async def test_polls_follow_the_ten_second_advice(
    engine: MiniMaxEngine, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert len(clock.sleeps) == 4
    assert all(10.0 <= wait <= 12.0 for wait in clock.sleeps)


async def test_resume_after_restart_follows_the_same_task_without_creating_again(
    http: httpx.AsyncClient, fake: MiniMaxFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    job = make_job("video-01", prompt="a fox")

    async def dies_on_second_wait(seconds: float) -> None:
        if len(clock.sleeps) == 1:
            raise Crash
        await clock.sleep(seconds)

    with pytest.raises(Crash):
        await MiniMaxEngine(http, sleep=dies_on_second_wait, clock=clock).run(job, ctx)
    output = await MiniMaxEngine(http, sleep=clock.sleep, clock=clock).run(job, ctx)

    assert len(fake.creates) == 1
    assert isinstance(output, RemoteVideo)


async def test_job_left_submitting_is_lost_without_any_call(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    ctx.upstream = {"phase": "submitting", "deployment": "minimax-test"}

    with pytest.raises(UpstreamLost):
        await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert fake.requests == []


async def test_group_id_goes_to_files_retrieve_only_when_configured(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    fake.group_id = "1850000000000000001"
    grouped = deployment(credentials={"api_key": fake.api_key, "group_id": fake.group_id})

    await engine.run(make_job("video-01", prompt="a fox", on=grouped), ctx)

    retrieve = fake.calls("/v1/files/retrieve")[0]
    assert retrieve.query["GroupId"] == fake.group_id
    assert all("GroupId" not in r.query for r in fake.requests if r is not retrieve)


async def test_download_url_expires_after_its_lifetime(
    engine: MiniMaxEngine,
    fake: MiniMaxFake,
    http: httpx.AsyncClient,
    ctx: RecordingContext,
    clock: SimulatedTime,
) -> None:
    output = await engine.run(make_job("video-01", prompt="a fox"), ctx)
    assert isinstance(output, RemoteVideo)

    clock.now += fake.url_lifetime + 1
    response = await http.get(output.url)

    assert response.status_code == 403


async def test_download_needs_no_credentials(
    engine: MiniMaxEngine, http: httpx.AsyncClient, ctx: RecordingContext
) -> None:
    output = await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert isinstance(output, RemoteVideo)
    assert output.headers == {}
    assert (await http.get(output.url)).headers["content-type"] == "video/mp4"


async def test_cancel_reports_billed_without_calling_minimax(
    engine: MiniMaxEngine, fake: MiniMaxFake
) -> None:
    job = make_job("video-01", prompt="a fox")

    billed = await engine.cancel(job, submitted("106916112212032", 0.0))

    assert billed is True
    assert fake.requests == []


async def test_cancel_before_any_task_is_not_billed(engine: MiniMaxEngine) -> None:
    assert await engine.cancel(make_job("video-01", prompt="a fox"), None) is False


def test_readiness_needs_an_api_key_and_valid_options(engine: MiniMaxEngine) -> None:
    assert engine.readiness(deployment()).ready
    assert not engine.readiness(deployment(credentials={})).ready
    assert "region" in engine.readiness(deployment(options={"region": "mars"})).reason
    assert "unknown" in engine.readiness(deployment(options={"colour": "red"})).reason


async def test_fake_serves_the_same_protocol_on_a_real_socket(
    fake: MiniMaxFake, clock: SimulatedTime, tmp_path: Path
) -> None:
    with serve_in_thread(create_app(fake)) as base_url:
        async with httpx.AsyncClient() as http:
            engine = MiniMaxEngine(http, sleep=clock.sleep, clock=clock)
            job = make_job("video-01", prompt="a fox", on=deployment(base_url=base_url))
            output = await engine.run(job, RecordingContext(workdir=tmp_path))
            assert isinstance(output, RemoteVideo)
            assert output.url.startswith(base_url)
            assert await download(http, output, tmp_path) == 8
