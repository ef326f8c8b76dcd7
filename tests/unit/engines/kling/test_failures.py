"""Every documented Kling failure ends in the right domain error; transient ones are retried
within the policy's bounds, and no failure creates a second task."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from tests.fakes.kling import KlingFake
from tests.support.engine_context import RecordingContext
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.kling.harness import JobFactory, deployment_for, input_image
from vidgate.domain.errors import (
    ContentRefused,
    GenerationError,
    GenerationTimeout,
    InternalError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamLost,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.engines.kling import KlingEngine
from vidgate.engines.protocol import RemoteVideo

T2V = "kling-video/v1/pro/text-to-video"
POLICY = KlingEngine.default_policy


@pytest.mark.parametrize(
    ("scenario", "error", "code"),
    [
        ("billing_exhausted", UpstreamQuota, 1102),
        ("account_in_arrears", UpstreamQuota, 1101),
        ("account_abnormal", UpstreamAuth, 1100),
        ("ip_not_whitelisted", UpstreamAuth, 1304),
        ("no_model_access", UpstreamAuth, 1103),
        ("content_refused", ContentRefused, 1301),
        ("platform_policy", ContentRefused, 1300),
    ],
)
async def test_final_create_errors_are_mapped_by_code_and_not_retried(
    scenario: str,
    error: type[GenerationError],
    code: int,
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match=f"kling code {code}"):
        await engine.run(make_job(T2V, prompt="p"), ctx)

    assert len(fake.creates()) == 1
    assert fake.tasks == {}
    assert ctx.upstream is None, "nothing was created, so the job may go to another deployment"


@pytest.mark.parametrize(
    ("scenario", "error", "reason"),
    [
        ("content_risk_on_task", ContentRefused, "risk control"),
        ("task_failed", UpstreamBadInput, "does not match"),
        ("task_internal_error", UpstreamUnavailable, "Internal error"),
    ],
)
async def test_failed_task_reports_kling_reason(
    scenario: str,
    error: type[GenerationError],
    reason: str,
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error, match=reason) as raised:
        await engine.run(make_job(T2V, prompt="p"), ctx)

    [task] = fake.tasks.values()
    assert task.task_id in raised.value.message
    assert len(fake.creates()) == 1


@pytest.mark.parametrize(
    ("scenario", "creates"),
    [
        ("rate_limited_twice", 3),
        ("concurrency_limited_twice", 3),
        ("server_error_on_submit_once", 2),
        ("unavailable_on_submit_once", 2),
        ("timeout_on_submit_once", 2),
    ],
)
async def test_transient_create_errors_are_retried_then_succeed(
    scenario: str,
    creates: int,
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
    sim: SimulatedTime,
) -> None:
    fake.scenario = scenario

    output = await engine.run(make_job(T2V, prompt="p"), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates()) == creates
    assert len(fake.tasks) == 1
    backoffs = sim.sleeps[: creates - 1]
    assert all(wait >= POLICY.interval * 2 * 0.8 for wait in backoffs)


@pytest.mark.parametrize(
    ("scenario", "error"),
    [("rate_limited_always", UpstreamRateLimited), ("fails_on_submit", UpstreamUnavailable)],
)
async def test_transient_create_errors_give_up_after_the_submit_attempts(
    scenario: str,
    error: type[GenerationError],
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    with pytest.raises(error):
        await engine.run(make_job(T2V, prompt="p"), ctx)

    assert len(fake.creates()) == POLICY.submit_attempts
    assert ctx.upstream is None


async def test_concurrency_cap_is_a_retried_rate_limit(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    fake.max_concurrency = 1
    fake.new_task("text2video", {"prompt": "someone else's job"})

    with pytest.raises(UpstreamRateLimited, match="1303"):
        await engine.run(make_job(T2V, prompt="p"), ctx)

    assert len(fake.creates()) == POLICY.submit_attempts
    assert len(fake.tasks) == 1


@pytest.mark.parametrize(
    "scenario", ["server_error_on_poll", "unavailable_on_poll", "timeout_on_poll"]
)
async def test_transient_poll_errors_are_retried(
    scenario: str,
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
) -> None:
    fake.scenario = scenario

    output = await engine.run(make_job(T2V, prompt="p"), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.queries()) == 2 + 3
    assert len(fake.creates()) == 1


async def test_poll_errors_past_the_bound_fail_the_job(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    fake.scenario = "down_on_poll"

    with pytest.raises(UpstreamUnavailable, match="5001"):
        await engine.run(make_job(T2V, prompt="p"), ctx)

    assert len(fake.queries()) == POLICY.max_errors + 1
    assert ctx.upstream is not None and "task_id" in ctx.upstream


async def test_task_that_never_finishes_times_out(
    http: httpx.AsyncClient,
    sim: SimulatedTime,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
) -> None:
    engine = KlingEngine(
        http, policy=dataclasses.replace(POLICY, timeout=300), sleep=sim.sleep, clock=sim.clock
    )
    fake.submitted_polls = 10_000

    with pytest.raises(GenerationTimeout, match="300 s"):
        await engine.run(make_job(T2V, prompt="p"), ctx)

    assert 20 <= len(fake.queries()) <= 30


async def test_request_kling_refuses_is_bad_input(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    job = make_job(
        "kling-video/v1/standard/image-to-video",
        images={"image_url": input_image("image_url")},
        prompt="p",
        image_url="https://images.example/a.png",
        dynamic_masks=[
            {"mask_url": "https://images.example/m.png", "trajectories": [{"x": 1, "y": 1}]}
        ],
    )

    with pytest.raises(UpstreamBadInput, match=r"kling code 1201.*trajectories"):
        await engine.run(job, ctx)

    assert len(fake.creates()) == 1


async def test_exclusive_image_to_video_groups_fail_before_any_call(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    job = make_job(
        "kling-video/v1/pro/image-to-video",
        images={
            "image_url": input_image("image_url"),
            "tail_image_url": input_image("tail_image_url", "last_frame"),
            "static_mask_url": input_image("static_mask_url", "mask"),
        },
        prompt="p",
        image_url="https://images.example/a.png",
        tail_image_url="https://images.example/b.png",
        static_mask_url="https://images.example/m.png",
    )

    with pytest.raises(UpstreamBadInput, match="only one of a tail image"):
        await engine.run(job, ctx)

    assert fake.requests == []


async def test_camera_preset_and_advanced_move_together_fail_before_any_call(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    job = make_job(
        "kling-video/v1/standard/text-to-video",
        prompt="p",
        camera_control="forward_up",
        advanced_camera_control={"movement_type": "pan", "movement_value": 3},
    )

    with pytest.raises(UpstreamBadInput, match="not both"):
        await engine.run(job, ctx)

    assert fake.requests == []


async def test_task_polled_on_the_wrong_family_is_not_found(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    task = fake.new_task("text2video", {"prompt": "p"})
    ctx.upstream = {"phase": "submitted", "task_id": task.task_id, "family": "image2video"}

    with pytest.raises(UpstreamBadInput, match="1203"):
        await engine.run(make_job(T2V, prompt="p"), ctx)


async def test_unreadable_answer_to_a_create_is_lost_not_resent(
    fake: KlingFake, sim: SimulatedTime, make_job: JobFactory, ctx: RecordingContext
) -> None:
    sent: list[httpx.Request] = []

    def proxy_page(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, text="<html>gateway</html>")

    async with httpx.AsyncClient(transport=httpx.MockTransport(proxy_page)) as http:
        engine = KlingEngine(http, sleep=sim.sleep, clock=sim.clock)
        with pytest.raises(UpstreamLost, match="no envelope"):
            await engine.run(make_job(T2V, prompt="p"), ctx)

    assert len(sent) == 1
    assert ctx.upstream == {"phase": "submitting", "deployment": "kling-test"}


async def test_gateway_error_page_maps_by_http_status(
    fake: KlingFake, sim: SimulatedTime, make_job: JobFactory, ctx: RecordingContext
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(502, text="bad gateway"))
    ) as http:
        engine = KlingEngine(http, sleep=sim.sleep, clock=sim.clock)
        with pytest.raises(UpstreamUnavailable, match="HTTP 502"):
            await engine.run(make_job(T2V, prompt="p"), ctx)


async def test_cancel_reports_the_task_as_billed(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory
) -> None:
    job = make_job(T2V, prompt="p")

    assert await engine.cancel(job, {"task_id": "867283741759111202"}) is True
    assert await engine.cancel(job, {"phase": "submitting"}) is False
    assert fake.requests == []


def test_readiness_needs_both_keys_and_valid_options(engine: KlingEngine, fake: KlingFake) -> None:
    assert engine.readiness(deployment_for(fake)).ready
    missing = engine.readiness(deployment_for(fake, credentials={"access_key": "ak"}))
    assert not missing.ready and "secret_key" in missing.reason
    bad_region = engine.readiness(deployment_for(fake, options={"region": "mars"}))
    assert not bad_region.ready and "region" in bad_region.reason


async def test_misconfigured_deployment_fails_before_any_call(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    deployment = deployment_for(fake, options={"region": "mars"})

    with pytest.raises(InternalError, match=r"misconfigured.*region"):
        await engine.run(make_job(T2V, deployment=deployment, prompt="p"), ctx)

    assert fake.requests == []
