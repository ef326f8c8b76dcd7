"""When to retry a request and how long to wait first: plain functions of what came back.

Retried: no answer at all (connection refused, reset, dropped, timed out) and the statuses
408, 429 and 5xx, unless the server says ``x-should-retry: false`` (``true`` forces a retry
of any status). The wait is the server's ``retry-after-ms`` / ``retry-after`` (seconds or an
HTTP date) when it gives one, else exponential backoff with jitter. A ``retry-after`` longer
than ``max_retry_after`` ends the retries: waiting that long is the caller's decision.

A retried create can never make a second generation: the SDK sends the same
``Idempotency-Key`` on every attempt (see ``calls.create_call``).
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass

import httpx

RETRY_STATUSES = frozenset({408, 429})
NOT_RETRIED_TRANSPORT_ERRORS = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``max_retries`` retries after the first attempt; backoff ``initial_delay`` doubled per
    retry up to ``max_delay``, minus up to ``jitter`` of it at random."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0


def should_retry(outcome: httpx.Response | httpx.TransportError) -> bool:
    if isinstance(outcome, httpx.TransportError):
        return not isinstance(outcome, NOT_RETRIED_TRANSPORT_ERRORS)
    override: str | None = outcome.headers.get("x-should-retry")
    if override in ("true", "false"):
        return override == "true"
    return outcome.status_code in RETRY_STATUSES or outcome.status_code >= 500


def backoff(policy: RetryPolicy, retry: int, random: float) -> float:
    """Seconds before retry number ``retry`` (0-based); ``random`` is uniform in [0, 1)."""
    delay = min(policy.initial_delay * 2.0**retry, policy.max_delay)
    return delay * (1.0 - policy.jitter * random)


def retry_after(headers: httpx.Headers, now: float) -> float | None:
    """The server's requested wait in seconds, or None if it gave none (or nonsense)."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(float(milliseconds) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return _http_date_delay(value, now)


def retry_delay(
    policy: RetryPolicy,
    retry: int,
    outcome: httpx.Response | httpx.TransportError,
    *,
    random: float,
    now: float,
) -> float | None:
    """Seconds to wait before retry number ``retry``, or None to stop and report
    ``outcome``. Successes are never retried."""
    if isinstance(outcome, httpx.Response) and outcome.status_code < 400:
        return None
    if retry >= policy.max_retries or not should_retry(outcome):
        return None
    asked = retry_after(outcome.headers, now) if isinstance(outcome, httpx.Response) else None
    if asked is None:
        return backoff(policy, retry, random)
    return asked if asked <= policy.max_retry_after else None


def _http_date_delay(value: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - now, 0.0)
