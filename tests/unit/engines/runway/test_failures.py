"""How each documented Runway failure ends: the domain error, the retries, the saved state."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from tests.fakes.runway import RunwayFake
from tests.fakes.runway.state import ENDINGS
from tests.support.engine_context import RecordingContext
from tests.support.media import data_uri
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.runway.conftest import API_KEY, deployment, input_image, make_job, still
from vidgate.domain.errors import (
    Cancelled,
    ContentRefused,
    GenerationError,
    GenerationTimeout,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamLost,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.engines.protocol import RemoteVideo
from vidgate.engines.runway import RunwayEngine

HEADERS = {"Authorization": f"Bearer {API_KEY}", "X-Runway-Version": "2024-11-06"}


@pytest.mark.parametrize(
    ("scenario", "error"),
    [
        ("content_refused", ContentRefused),
        ("output_refused", ContentRefused),
        ("prompt_refused", ContentRefused),
        ("asset_invalid", UpstreamBadInput),
        ("bad_output", UpstreamBadInput),
        ("internal_failure", UpstreamUnavailable),
        ("failure_without_code", UpstreamBadInput),
    ],
)
async def test_failed_task_ends_by_its_failure_code_without_runway_s_text(
    scenario: str,
    error: type[GenerationError],
    engine: RunwayEngine,
    fake: RunwayFake,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario
    ending = ENDINGS[scenario]

    with pytest.raises(error) as raised:
        await engine.run(make_job("runway/gen4_turbo"), ctx)

    assert type(raised.value) is error
    assert f"failure code {ending.code or 'none given'}" in raised.value.message
    assert ending.failure is not None and ending.failure not in raised.value.message
    assert ctx.upstream is not None
    assert ctx.upstream["failure"] == ending.failure
    assert ctx.upstream["failure_code"] == ending.code


@pytest.mark.parametrize("scenario", ["cancelled_upstream", "canceled_upstream"])
async def test_task_cancelled_at_runway_ends_cancelled_in_either_spelling(
    scenario: str, engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    fake.scenario = scenario

    with pytest.raises(Cancelled):
        await engine.run(make_job("gen3a_turbo"), ctx)


@pytest.mark.parametrize(
    ("scenario", "error"),
    [("fails_on_submit", UpstreamBadInput), ("billing_exhausted", UpstreamQuota)],
)
async def test_final_refusal_of_the_create_call_is_not_retried_and_clears_state(
    scenario: str,
    error: type[GenerationError],
    engine: RunwayEngine,
    fake: RunwayFake,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match="HTTP 400"):
        await engine.run(make_job("gen3a_turbo"), ctx)

    assert len(fake.creates) == 1
    assert ctx.upstream is None


async def test_wrong_key_is_vendor_auth(
    http: httpx.AsyncClient, fake: RunwayFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    engine = RunwayEngine(http, sleep=clock.sleep, clock=clock)
    job = make_job("gen3a_turbo", on=deployment(credentials={"api_key": "wrong"}))

    with pytest.raises(UpstreamAuth, match="401"):
        await engine.run(job, ctx)

    assert fake.tasks == {}


@pytest.mark.parametrize(
    ("scenario", "creates"), [("rate_limited_twice", 3), ("server_error_on_submit", 2)]
)
async def test_transient_create_refusals_are_retried_within_the_bound(
    scenario: str,
    creates: int,
    engine: RunwayEngine,
    fake: RunwayFake,
    ctx: RecordingContext,
    clock: SimulatedTime,
) -> None:
    fake.scenario = scenario

    output = await engine.run(make_job("gen3a_turbo"), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates) == creates
    assert len(fake.tasks) == 1
    assert clock.sleeps[0] > 6.0 * 0.75 * 2  # backed off, not the normal pace


async def test_load_shedding_that_never_ends_gives_up_after_the_submit_bound(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    fake.scenario = "unavailable_forever"

    with pytest.raises(UpstreamUnavailable, match="502"):
        await engine.run(make_job("gen3a_turbo"), ctx)

    assert len(fake.creates) == engine.policy.submit_attempts
    assert ctx.upstream is None


async def test_daily_generation_cap_is_a_rate_limit_that_ends_the_attempt(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    fake.daily_limit = 1
    await engine.run(make_job("gen3a_turbo"), RecordingContext(workdir=ctx.workdir))

    with pytest.raises(UpstreamRateLimited, match="daily"):
        await engine.run(make_job("gen3a_turbo"), ctx)

    assert len(fake.creates) == 1 + engine.policy.submit_attempts
    assert ctx.upstream is None


@pytest.mark.parametrize(
    ("scenario", "extra_polls"), [("server_error_on_poll", 1), ("overloaded_on_poll", 2)]
)
async def test_transient_poll_errors_are_retried(
    scenario: str,
    extra_polls: int,
    engine: RunwayEngine,
    fake: RunwayFake,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    output = await engine.run(make_job("gen3a_turbo"), ctx)

    assert isinstance(output, RemoteVideo)
    assert ctx.upstream is not None
    assert len(fake.task_polls(ctx.upstream["task_id"])) == 4 + extra_polls


async def test_task_deleted_at_runway_is_lost(
    engine: RunwayEngine, fake: RunwayFake, http: httpx.AsyncClient, ctx: RecordingContext
) -> None:
    job = make_job("gen3a_turbo")
    state = await engine.submit(job)
    await http.delete(f"/v1/tasks/{state['task_id']}", headers=HEADERS)

    with pytest.raises(UpstreamLost, match="404"):
        await engine.poll(job, state, ctx)


async def test_create_answered_without_an_id_is_lost_not_resent(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    fake.scenario = "no_task_id"

    with pytest.raises(UpstreamLost):
        await engine.run(make_job("gen3a_turbo"), ctx)

    assert len(fake.creates) == 1
    assert ctx.upstream == {"phase": "submitting", "deployment": "runway-test"}


async def test_task_that_never_finishes_times_out(
    http: httpx.AsyncClient, fake: RunwayFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    fake.scenario = "times_out"
    policy = dataclasses.replace(RunwayEngine.default_policy, timeout=60.0)
    engine = RunwayEngine(http, policy=policy, sleep=clock.sleep, clock=clock)

    with pytest.raises(GenerationTimeout):
        await engine.run(make_job("gen3a_turbo"), ctx)


async def test_oversized_data_uri_is_refused_before_any_call(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    big = input_image("image_url", b"\x89PNG" + bytes(4 * 1024 * 1024))
    job = make_job("gen3a_turbo", images={"image_url": big})

    with pytest.raises(UpstreamBadInput, match="under 5 MB"):
        await engine.run(job, ctx)

    assert fake.requests == []


async def test_last_frame_on_a_vendor_model_without_one_is_refused_before_any_call(
    engine: RunwayEngine, fake: RunwayFake, ctx: RecordingContext
) -> None:
    images = {
        "image_url": input_image("image_url", still()),
        "last_image_url": input_image("last_image_url", still()),
    }
    routed = deployment(vendor_models={"gen3a_turbo": "gen4_turbo"})

    with pytest.raises(UpstreamBadInput, match="last frame"):
        await engine.run(make_job("gen3a_turbo", images=images, on=routed), ctx)

    assert fake.requests == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"promptText": "狐" * 1000 + "🦊"}, "UTF-16"),
        ({"duration": 10.0}, "duration"),
        ({"ratio": "1280:720"}, "ratio"),
        ({"watermark": False}, "Unrecognized"),
        ({"promptImage": [{"uri": "https://x.example/a.png", "position": "last"}]}, "first"),
        ({"promptImage": "http://x.example/a.png"}, "https"),
    ],
)
async def test_fake_refuses_what_runway_refuses(
    change: dict[str, object], error: str, http: httpx.AsyncClient
) -> None:
    body = {"model": "gen3a_turbo", "promptImage": data_uri(still()), "ratio": "1280:768"}

    answer = await http.post("/v1/image_to_video", json=body | change, headers=HEADERS)

    assert answer.status_code == 400
    assert error in answer.json()["error"]


async def test_fake_requires_the_version_header(http: httpx.AsyncClient) -> None:
    body = {"model": "gen3a_turbo", "promptImage": data_uri(still())}
    headers = {"Authorization": HEADERS["Authorization"]}

    answer = await http.post("/v1/image_to_video", json=body, headers=headers)

    assert answer.status_code == 400
    assert "X-Runway-Version" in answer.json()["error"]
