"""Retry decisions and the backoff schedule, as plain values."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from vidgate.client.retries import RetryPolicy, backoff, retry_after, retry_delay, should_retry

POLICY = RetryPolicy()
REQUEST = httpx.Request("GET", "http://vidgate.test/v1/videos/v")


def answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers={k.replace("_", "-"): v for k, v in headers.items()})


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(status: int) -> None:
    assert should_retry(answer(status))


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 413, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    assert not should_retry(answer(status))


def test_the_server_can_forbid_or_force_a_retry() -> None:
    assert not should_retry(answer(500, x_should_retry="false"))
    assert not should_retry(answer(429, x_should_retry="false"))
    assert should_retry(answer(409, x_should_retry="true"))


def test_connection_failures_are_retried_but_not_our_own_mistakes() -> None:
    assert should_retry(httpx.ConnectError("refused", request=REQUEST))
    assert should_retry(httpx.RemoteProtocolError("dropped", request=REQUEST))
    assert should_retry(httpx.ReadTimeout("slow", request=REQUEST))
    assert not should_retry(httpx.UnsupportedProtocol("ftp://", request=REQUEST))
    assert not should_retry(httpx.LocalProtocolError("bad header", request=REQUEST))


def test_backoff_doubles_from_half_a_second_up_to_eight() -> None:
    schedule = [backoff(POLICY, retry, random=0.0) for retry in range(7)]
    assert schedule == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_takes_off_at_most_a_quarter() -> None:
    assert backoff(POLICY, 2, random=0.999999) == pytest.approx(1.5, abs=1e-5)
    assert backoff(POLICY, 2, random=0.5) == 1.75


def test_retry_after_in_milliseconds_seconds_or_an_http_date() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 7, usegmt=True)
    assert retry_after(answer(429, retry_after_ms="1500").headers, now) == 1.5
    assert retry_after(answer(429, retry_after="3").headers, now) == 3.0
    assert retry_after(answer(429, retry_after=date).headers, now) == 7.0
    assert retry_after(answer(429, retry_after="soon").headers, now) is None
    assert retry_after(answer(429).headers, now) is None
    assert retry_after(answer(429, retry_after="-4").headers, now) == 0.0


def test_the_servers_retry_after_replaces_the_backoff() -> None:
    delay = retry_delay(POLICY, 0, answer(429, retry_after="3"), random=0.0, now=0.0)
    assert delay == 3.0


def test_a_retry_after_beyond_the_limit_ends_the_retries() -> None:
    assert retry_delay(POLICY, 0, answer(429, retry_after="600"), random=0.0, now=0.0) is None


def test_retries_stop_after_max_retries() -> None:
    failure = answer(503)
    delays = [retry_delay(POLICY, n, failure, random=0.0, now=0.0) for n in range(3)]
    assert delays == [0.5, 1.0, None]
    assert retry_delay(RetryPolicy(max_retries=0), 0, failure, random=0.0, now=0.0) is None


def test_successes_are_never_retried() -> None:
    assert retry_delay(POLICY, 0, answer(200, x_should_retry="true"), random=0, now=0) is None
