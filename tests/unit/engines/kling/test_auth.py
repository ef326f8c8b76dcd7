"""Kling JWTs: what is signed, how long a token is reused, and how auth failures end."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from tests.fakes.kling import KlingFake
from tests.support.engine_context import RecordingContext
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.kling.harness import JobFactory, deployment_for
from vidgate.domain.errors import UpstreamAuth
from vidgate.engines.kling import KlingEngine
from vidgate.engines.kling.auth import KlingKeys, TokenCache, sign_token
from vidgate.engines.protocol import RemoteVideo

T2V = "kling-video/v1/standard/text-to-video"
KEYS = KlingKeys("ak-unit", "sk-unit-0123456789abcdef0123456789ab")


def claims(token: str, secret: str = KEYS.secret_key) -> dict[str, Any]:
    return dict(
        jwt.decode(
            token, secret, algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False}
        )
    )


def test_token_carries_issuer_expiry_and_not_before() -> None:
    signed = sign_token(KEYS, 1_000_000.0)

    assert jwt.get_unverified_header(signed.value) == {"alg": "HS256", "typ": "JWT"}
    assert claims(signed.value) == {"iss": "ak-unit", "exp": 1_001_800, "nbf": 999_995}
    assert signed.expires_at == 1_001_800


def test_short_secret_keys_sign_without_warnings() -> None:
    sign_token(KlingKeys("ak", "short"), 0.0)


def test_token_is_reused_until_five_minutes_before_expiry() -> None:
    now = [1_000_000.0]
    cache = TokenCache(lambda: now[0])
    first = cache.token(KEYS)

    now[0] += 1800 - 301
    assert cache.token(KEYS) == first
    now[0] += 2
    assert cache.token(KEYS) != first


def test_tokens_are_cached_per_key_pair() -> None:
    cache = TokenCache(lambda: 1_000_000.0)
    other = KlingKeys("ak-other", KEYS.secret_key)

    assert claims(cache.token(other))["iss"] == "ak-other"
    assert claims(cache.token(KEYS))["iss"] == "ak-unit"


def test_clock_skew_renewal_backdates_not_before_by_a_minute() -> None:
    cache = TokenCache(lambda: 1_000_000.0)

    renewed = cache.renew(KEYS, clock_skew=True)

    assert claims(renewed)["nbf"] == 1_000_000 - 60
    assert claims(cache.renew(KEYS))["nbf"] == 1_000_000 - 60, "the margin sticks"


def test_keys_repr_hides_the_secret() -> None:
    assert KEYS.secret_key not in repr(KEYS)


async def test_wrong_secret_key_is_upstream_auth(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    credentials = {
        "access_key": fake.access_key,
        "secret_key": "sk-wrong-0123456789abcdef0123456789",
    }
    job = make_job(T2V, deployment=deployment_for(fake, credentials=credentials), prompt="p")

    with pytest.raises(UpstreamAuth, match="code 1002"):
        await engine.run(job, ctx)

    assert len(fake.creates()) == 1
    assert fake.tasks == {}
    assert ctx.upstream is None


async def test_unknown_access_key_is_upstream_auth(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    credentials = {"access_key": "ak-nobody", "secret_key": fake.secret_key}
    job = make_job(T2V, deployment=deployment_for(fake, credentials=credentials), prompt="p")

    with pytest.raises(UpstreamAuth, match="code 1000"):
        await engine.run(job, ctx)


async def test_missing_credentials_fail_before_any_call(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    job = make_job(T2V, deployment=deployment_for(fake, credentials={}), prompt="p")

    with pytest.raises(UpstreamAuth, match="access_key and secret_key"):
        await engine.run(job, ctx)

    assert fake.requests == []


async def test_token_kling_calls_expired_is_re_signed_once(
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
    sim: SimulatedTime,
) -> None:
    await engine.run(make_job(T2V, prompt="first job"), ctx)
    sim.now += 1000  # the cached token is still within its reuse window
    fake.scenario = "token_expired_once"

    output = await engine.run(make_job(T2V, prompt="second job"), RecordingContext(ctx.workdir))

    assert isinstance(output, RemoteVideo)
    _, cached, renewed = (
        c.headers["authorization"].removeprefix("Bearer ") for c in fake.creates()
    )
    assert claims(renewed, fake.secret_key)["nbf"] > claims(cached, fake.secret_key)["nbf"]
    assert len(fake.tasks) == 2


async def test_server_clock_behind_ours_is_absorbed_by_a_backdated_token(
    http: httpx.AsyncClient,
    sim: SimulatedTime,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
) -> None:
    engine = KlingEngine(http, sleep=sim.sleep, clock=lambda: sim.now + 30)

    output = await engine.run(make_job(T2V, prompt="p"), ctx)

    assert isinstance(output, RemoteVideo)
    assert len(fake.creates()) == 2, "1003 once, then accepted"
    assert len(fake.tasks) == 1


async def test_token_kling_keeps_calling_expired_fails_after_one_re_sign(
    http: httpx.AsyncClient,
    sim: SimulatedTime,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
) -> None:
    engine = KlingEngine(http, sleep=sim.sleep, clock=lambda: sim.now - 2000)

    with pytest.raises(UpstreamAuth, match="code 1004"):
        await engine.run(make_job(T2V, prompt="p"), ctx)

    assert len(fake.creates()) == 2
