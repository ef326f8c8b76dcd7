"""Every documented DashScope failure ends in the right domain error; transient ones retry."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.fakes.alibaba import AlibabaFake
from tests.support.engine_context import RecordingContext
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.alibaba.harness import WAN, build_job, deployment_for
from vidgate.domain.errors import (
    Cancelled,
    ContentRefused,
    GenerationError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamLost,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.engines.alibaba import AlibabaEngine
from vidgate.engines.protocol import RemoteVideo


@pytest.mark.parametrize(
    ("scenario", "error", "words"),
    [
        ("prompt_refused", ContentRefused, "DataInspectionFailed"),
        ("arrearage", UpstreamQuota, "Arrearage"),
        ("model_not_activated", UpstreamAuth, "not activated"),
        ("rate_limited_always", UpstreamRateLimited, "Throttling.RateQuota"),
        ("fails_on_submit", UpstreamUnavailable, "InternalError"),
    ],
)
async def test_a_refused_create_ends_in_the_matching_error_and_clears_the_state(
    engine: AlibabaEngine,
    fake: AlibabaFake,
    ctx: RecordingContext,
    scenario: str,
    error: type[GenerationError],
    words: str,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match=words) as raised:
        await engine.run(build_job(deployment_for(fake)), ctx)

    assert type(raised.value) is error
    assert ctx.upstream is None
    assert fake.tasks == {}


@pytest.mark.parametrize(
    ("scenario", "error", "words"),
    [
        ("content_refused_on_task", ContentRefused, "inappropriate content"),
        ("task_failed_invalid_parameter", UpstreamBadInput, "InvalidParameter"),
        ("task_internal_error", UpstreamUnavailable, "InternalError.Algo"),
        ("canceled_at_vendor", Cancelled, "cancelled at DashScope"),
    ],
)
async def test_a_failed_task_ends_in_the_matching_error(
    engine: AlibabaEngine,
    fake: AlibabaFake,
    ctx: RecordingContext,
    scenario: str,
    error: type[GenerationError],
    words: str,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match=words) as raised:
        await engine.run(build_job(deployment_for(fake)), ctx)

    assert type(raised.value) is error
    assert len(fake.creates()) == 1


async def test_a_task_dashscope_no_longer_knows_is_lost(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    fake.task_ttl = 20.0

    with pytest.raises(UpstreamLost, match="UNKNOWN"):
        await engine.run(build_job(deployment_for(fake)), ctx)


@pytest.mark.parametrize("key_name", ["wrong", "other_region"])
async def test_a_wrong_or_other_region_key_is_an_auth_error(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext, key_name: str
) -> None:
    key = "sk-nonsense" if key_name == "wrong" else fake.other_region_key
    deployment = deployment_for(fake, credentials={"api_key": key})

    with pytest.raises(UpstreamAuth, match=r"InvalidApiKey.*region 'intl'"):
        await engine.run(build_job(deployment), ctx)


async def test_a_model_of_another_region_is_refused(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    deployment = deployment_for(fake, vendor_models={WAN: "wanx2.1-t2v-turbo"})

    with pytest.raises(UpstreamBadInput, match="Model not exist"):
        await engine.run(build_job(deployment), ctx)


def test_readiness_needs_the_key_and_valid_options(
    engine: AlibabaEngine, fake: AlibabaFake
) -> None:
    assert engine.readiness(deployment_for(fake)).ready
    assert "api_key" in engine.readiness(deployment_for(fake, credentials={})).reason
    bad = engine.readiness(deployment_for(fake, options={"region": "eu"}))
    assert not bad.ready and "region" in bad.reason


async def test_rate_limits_on_create_are_retried(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    fake.scenario = "rate_limited_twice"

    output = await engine.run(build_job(deployment_for(fake)), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates()) == 3
    assert len(fake.tasks) == 1


async def test_a_create_retried_after_a_500_makes_one_task(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    fake.scenario = "server_error_on_submit_once"

    await engine.run(build_job(deployment_for(fake)), ctx)

    assert len(fake.creates()) == 2
    assert len(fake.tasks) == 1


@pytest.mark.parametrize(
    "scenario", ["server_error_on_poll", "unavailable_on_poll", "gateway_timeout_on_poll"]
)
async def test_transient_poll_errors_are_retried(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext, scenario: str
) -> None:
    fake.scenario = scenario

    output = await engine.run(build_job(deployment_for(fake)), ctx)

    assert isinstance(output, RemoteVideo)
    steps = fake.pending_polls + fake.running_polls + 1
    assert len(fake.queries()) == steps + fake.fired[scenario]


async def test_a_poll_outage_gives_up_after_the_policy_bound(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    fake.scenario = "down_on_poll"

    with pytest.raises(UpstreamUnavailable, match="503"):
        await engine.run(build_job(deployment_for(fake)), ctx)

    assert len(fake.queries()) == engine.policy.max_errors + 1


async def test_the_two_task_concurrency_limit_is_a_rate_limit(
    engine: AlibabaEngine,
    fake: AlibabaFake,
    ctx: RecordingContext,
    http: httpx.AsyncClient,
    sim: SimulatedTime,
) -> None:
    for _ in range(2):
        sim.now += 1
        await http.post(
            "/api/v1/services/aigc/video-generation/video-synthesis",
            json={"model": "wan2.1-t2v-turbo", "input": {"prompt": "p"}},
            headers={"Authorization": f"Bearer {fake.api_key}", "X-DashScope-Async": "enable"},
        )

    with pytest.raises(UpstreamRateLimited, match="concurrent"):
        await engine.run(build_job(deployment_for(fake)), ctx)

    assert len(fake.tasks) == 2
    assert len(fake.creates()) == 2 + engine.policy.submit_attempts


async def test_a_task_running_past_the_timeout_fails(
    engine: AlibabaEngine, fake: AlibabaFake, ctx: RecordingContext
) -> None:
    fake.running_polls = 100_000

    with pytest.raises(GenerationError, match="did not finish"):
        await engine.run(build_job(deployment_for(fake)), ctx)


async def test_a_poll_answered_without_json_is_transient(tmp_path: Path) -> None:
    answers = iter(
        [
            httpx.Response(200, json={"output": {"task_id": "t1", "task_status": "PENDING"}}),
            httpx.Response(200, text="<html>proxy</html>"),
            httpx.Response(
                200,
                json={
                    "output": {
                        "task_id": "t1",
                        "task_status": "SUCCEEDED",
                        "video_url": "https://oss.example/v.mp4?Expires=1",
                    }
                },
            ),
        ]
    )
    transport = httpx.MockTransport(lambda request: next(answers))
    sim = SimulatedTime()
    async with httpx.AsyncClient(transport=transport) as http:
        engine = AlibabaEngine(http, sleep=sim.sleep, clock=sim.clock)
        job = build_job(deployment_for(AlibabaFake()))
        output = await engine.run(job, RecordingContext(workdir=tmp_path))

    assert output == RemoteVideo("https://oss.example/v.mp4?Expires=1")
