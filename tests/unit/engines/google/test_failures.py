"""Every documented Veo failure ends in the right domain error; transient ones are retried."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.google import GoogleFake
from tests.support.engine_context import RecordingContext
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.google.harness import I2V, T2V, build_job, gemini_deployment, input_image
from vidgate.domain.errors import (
    ContentRefused,
    GenerationError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.domain.routing import Deployment
from vidgate.engines.google import GoogleEngine
from vidgate.engines.protocol import RemoteVideo


@pytest.mark.parametrize(
    ("scenario", "error", "words"),
    [
        ("prompt_refused", ContentRefused, "Responsible AI"),
        ("billing_not_enabled", UpstreamQuota, "billing"),
        ("daily_quota_exhausted", UpstreamQuota, "daily quota"),
        ("model_not_allowed", UpstreamAuth, "PERMISSION_DENIED"),
        ("rate_limited_always", UpstreamRateLimited, "RESOURCE_EXHAUSTED"),
        ("fails_on_submit", UpstreamUnavailable, "INTERNAL"),
    ],
)
async def test_a_refused_create_ends_in_the_matching_error_and_clears_the_state(
    engine: GoogleEngine,
    fake: GoogleFake,
    ctx: RecordingContext,
    scenario: str,
    error: type[GenerationError],
    words: str,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match=words) as raised:
        await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert type(raised.value) is error
    assert ctx.upstream is None
    assert fake.operations == {}


@pytest.mark.parametrize(
    ("scenario", "error", "words"),
    [
        ("content_filtered", ContentRefused, "usage guidelines"),
        ("operation_error", UpstreamBadInput, "aspect ratio"),
        ("operation_internal_error", UpstreamUnavailable, "13 INTERNAL"),
        ("operation_quota_error", UpstreamRateLimited, "8 RESOURCE_EXHAUSTED"),
    ],
)
async def test_a_failed_operation_ends_in_the_matching_error(
    engine: GoogleEngine,
    fake: GoogleFake,
    ctx: RecordingContext,
    scenario: str,
    error: type[GenerationError],
    words: str,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match=words) as raised:
        await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert type(raised.value) is error
    assert len(fake.creates()) == 1


async def test_a_wrong_api_key_is_an_auth_error(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    deployment = gemini_deployment(fake, credentials={"api_key": "AIza-wrong"})

    with pytest.raises(UpstreamAuth, match="API key not valid"):
        await engine.run(build_job(deployment, T2V, prompt="p"), ctx)


def test_a_deployment_without_a_key_is_not_ready(engine: GoogleEngine, fake: GoogleFake) -> None:
    readiness = engine.readiness(gemini_deployment(fake, credentials={}))

    assert not readiness.ready
    assert "api_key" in readiness.reason


async def test_rate_limits_on_create_are_retried_after_googles_retry_delay(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    fake.scenario = "rate_limited_twice"

    output = await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates()) == 3
    assert len(fake.operations) == 1
    assert sim.sleeps[0] >= 2.0 and sim.sleeps[1] >= 2.0


async def test_a_create_retried_after_503_makes_one_operation(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    fake.scenario = "unavailable_on_submit_once"

    await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert len(fake.creates()) == 2
    assert len(fake.operations) == 1


@pytest.mark.parametrize("scenario", ["unavailable_on_poll", "deadline_on_poll_once"])
async def test_transient_poll_errors_are_retried(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext, scenario: str
) -> None:
    fake.scenario = scenario

    output = await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.polls()) == fake.running_polls + 1 + fake.fired[scenario]


async def test_a_poll_outage_gives_up_after_the_policy_bound(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    fake.scenario = "down_on_poll"

    with pytest.raises(UpstreamUnavailable, match="503"):
        await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert len(fake.polls()) == engine.policy.max_errors + 1


async def test_an_operation_running_past_the_timeout_fails(
    http: httpx.AsyncClient, fake: GoogleFake, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    fake.running_polls = 10_000
    engine = GoogleEngine(http, sleep=sim.sleep, clock=sim.clock)

    with pytest.raises(GenerationError, match="did not finish"):
        await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert len(fake.creates()) == 1


async def test_an_image_to_video_job_passes_the_fakes_checks(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    deployment: Deployment = gemini_deployment(fake)

    await engine.run(build_job(deployment, I2V, image=input_image(), prompt="p"), ctx)

    assert len(fake.operations) == 1
