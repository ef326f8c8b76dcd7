"""How each documented MiniMax failure ends: the domain error, the retries, the saved state."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from tests.fakes.minimax import MiniMaxFake
from tests.support.engine_context import RecordingContext
from tests.support.media import data_uri, png_bytes
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.minimax.conftest import BASE_URL, deployment, make_job, submitted
from vidgate.domain.errors import (
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
from vidgate.engines.minimax import MiniMaxEngine
from vidgate.engines.protocol import RemoteVideo

QUERY = "/v1/query/video_generation"
RETRIEVE = "/v1/files/retrieve"


@pytest.mark.parametrize(
    ("scenario", "error", "code"),
    [
        ("content_refused", ContentRefused, "1026"),
        ("output_refused", ContentRefused, "1027"),
        ("task_fails_unknown", UpstreamUnavailable, "1000"),
    ],
)
async def test_failed_task_ends_in_the_error_of_its_code(
    scenario: str,
    error: type[GenerationError],
    code: str,
    engine: MiniMaxEngine,
    fake: MiniMaxFake,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match=code) as raised:
        await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert type(raised.value) is error
    assert len(fake.creates) == 1
    assert fake.calls(RETRIEVE) == []


@pytest.mark.parametrize(
    ("scenario", "error", "code"),
    [
        ("billing_exhausted", UpstreamQuota, "1008"),
        ("usage_window_exhausted", UpstreamQuota, "2056"),
        ("fails_on_submit", UpstreamBadInput, "2013"),
    ],
)
async def test_final_refusal_of_the_create_call_is_not_retried_and_clears_state(
    scenario: str,
    error: type[GenerationError],
    code: str,
    engine: MiniMaxEngine,
    fake: MiniMaxFake,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match=code):
        await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert len(fake.creates) == 1
    assert fake.tasks == {}
    assert ctx.upstream is None


async def test_wrong_key_is_refused_in_an_http_200_as_vendor_auth(
    http: httpx.AsyncClient, fake: MiniMaxFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    engine = MiniMaxEngine(http, sleep=clock.sleep, clock=clock)
    job = make_job("video-01", prompt="a fox", on=deployment(credentials={"api_key": "wrong"}))

    with pytest.raises(UpstreamAuth, match="2049"):
        await engine.run(job, ctx)

    assert fake.tasks == {}
    assert fake.creates[0].headers["authorization"] == "Bearer wrong"


async def test_group_mismatch_on_files_retrieve_is_vendor_auth(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    fake.group_id = "1850000000000000001"

    with pytest.raises(UpstreamAuth, match="1004"):
        await engine.run(make_job("video-01", prompt="a fox"), ctx)


@pytest.mark.parametrize(
    ("scenario", "creates"),
    [
        ("rate_limited_twice", 3),
        ("token_limited_once", 2),
        ("rate_growth_limited_once", 2),
        ("server_error_on_submit", 2),
    ],
)
async def test_transient_create_refusals_are_retried_within_the_bound(
    scenario: str,
    creates: int,
    engine: MiniMaxEngine,
    fake: MiniMaxFake,
    ctx: RecordingContext,
    clock: SimulatedTime,
) -> None:
    fake.scenario = scenario

    output = await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates) == creates
    assert len(fake.tasks) == 1
    # Backoff grows past the normal interval after a refusal.
    assert clock.sleeps[0] > 10.0


async def test_rate_limit_that_never_ends_gives_up_after_the_submit_bound(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    fake.scenario = "rate_limited_forever"

    with pytest.raises(UpstreamRateLimited, match="1002"):
        await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert len(fake.creates) == engine.policy.submit_attempts
    assert ctx.upstream is None  # the worker may hand the job to the next deployment


@pytest.mark.parametrize(
    ("scenario", "path", "calls"),
    [
        ("server_error_on_poll", QUERY, 5),
        ("busy_on_poll", QUERY, 6),
        ("retrieve_busy_once", RETRIEVE, 2),
    ],
)
async def test_transient_poll_errors_are_retried_until_the_video_is_known(
    scenario: str,
    path: str,
    calls: int,
    engine: MiniMaxEngine,
    fake: MiniMaxFake,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    output = await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.calls(path)) == calls
    assert len(fake.creates) == 1


async def test_a_retrieve_failure_retries_the_retrieve_not_the_query(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    fake.scenario = "retrieve_busy_once"

    await engine.run(make_job("video-01", prompt="a fox"), ctx)

    walk = fake.preparing_polls + fake.queueing_polls + fake.processing_polls
    assert len(fake.calls(QUERY)) == walk + 1
    assert len(fake.calls(RETRIEVE)) == 2


async def test_query_error_without_status_is_final_unless_retryable(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    ctx.upstream = submitted("999", clock.now)

    with pytest.raises(UpstreamBadInput, match="2013"):
        await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert len(fake.calls(QUERY)) == 1
    assert fake.creates == []


async def test_create_answered_without_task_id_is_lost_not_resent(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    fake.scenario = "no_task_id"

    with pytest.raises(UpstreamLost):
        await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert len(fake.creates) == 1
    assert ctx.upstream == {"phase": "submitting", "deployment": "minimax-test"}


async def test_create_answered_with_a_non_json_200_is_lost(
    ctx: RecordingContext, clock: SimulatedTime
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>ok</html>"))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        engine = MiniMaxEngine(http, sleep=clock.sleep, clock=clock)
        with pytest.raises(UpstreamLost, match="no JSON"):
            await engine.run(make_job("video-01", prompt="a fox"), ctx)


async def test_connection_cut_after_sending_the_create_is_lost(
    ctx: RecordingContext, clock: SimulatedTime
) -> None:
    def cut(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(cut)) as http:
        engine = MiniMaxEngine(http, sleep=clock.sleep, clock=clock)
        with pytest.raises(UpstreamLost):
            await engine.run(make_job("video-01", prompt="a fox"), ctx)


async def test_task_that_never_finishes_times_out(
    http: httpx.AsyncClient, fake: MiniMaxFake, ctx: RecordingContext, clock: SimulatedTime
) -> None:
    fake.scenario = "times_out"
    policy = dataclasses.replace(MiniMaxEngine.default_policy, timeout=120.0)
    engine = MiniMaxEngine(http, policy=policy, sleep=clock.sleep, clock=clock)

    with pytest.raises(GenerationTimeout):
        await engine.run(make_job("video-01", prompt="a fox"), ctx)

    assert 9 <= len(fake.calls(QUERY)) <= 12


async def test_live2d_without_a_first_frame_is_refused_by_minimax(
    engine: MiniMaxEngine, fake: MiniMaxFake, ctx: RecordingContext
) -> None:
    with pytest.raises(UpstreamBadInput, match="2013"):
        await engine.run(make_job("video-01-live2d", prompt="a fox"), ctx)


async def test_fake_refuses_duration_for_01_series(
    http: httpx.AsyncClient, fake: MiniMaxFake
) -> None:
    body = {"model": "video-01", "prompt": "a fox", "duration": 6}

    answer = await http.post(
        "/v1/video_generation", json=body, headers={"Authorization": f"Bearer {fake.api_key}"}
    )

    assert answer.status_code == 200
    assert answer.json()["base_resp"]["status_code"] == 2013


async def test_fake_refuses_a_first_frame_with_a_short_side_of_300(
    http: httpx.AsyncClient, fake: MiniMaxFake
) -> None:
    image = data_uri(png_bytes(600, 300))
    body = {"model": "video-01", "prompt": "a fox", "first_frame_image": image}

    answer = await http.post(
        "/v1/video_generation", json=body, headers={"Authorization": f"Bearer {fake.api_key}"}
    )

    assert answer.json()["base_resp"] == {
        "status_code": 2013,
        "status_msg": "invalid params, image short side must be over 300px",
    }
