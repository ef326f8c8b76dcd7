"""A vendor's HTTP answer in vidgate's terms: its JSON body, its Retry-After, and the error an
HTTP status, an unreadable body or an error-table entry stands for. Pure functions.

Each vendor package keeps its own tables (service codes, status names); the shapes they share
are here: a transient error carries the vendor's retry delay, a create answer that cannot be
read may hide a task (``UpstreamLost``), any other unreadable answer is transient.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

import httpx

from vidgate.domain.errors import (
    GenerationError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamLost,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)

TRANSIENT = (UpstreamRateLimited, UpstreamUnavailable)
SNIPPET = 200


def json_object(response: httpx.Response) -> Mapping[str, Any] | None:
    """The body as a JSON object, or None (a proxy's HTML page, no body, a JSON list)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def shortened(text: str, limit: int = SNIPPET) -> str:
    """A vendor's message on one line, at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` (or ``retry-after-ms``) header, if any."""
    millis = response.headers.get("retry-after-ms")
    if millis:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def vendor_error(
    cls: type[GenerationError], text: str, *, retry_after: float | None = None
) -> GenerationError:
    """An error of ``cls`` from a vendor's table; a transient one keeps the retry delay."""
    if issubclass(cls, TRANSIENT):
        return cls(text, retry_after=retry_after)
    return cls(text)


def error_for_status(vendor: str, response: httpx.Response, detail: str) -> GenerationError:
    """The generic meaning of an HTTP error status, for vendors that follow HTTP semantics."""
    status = response.status_code
    message = f"{vendor} answered HTTP {status}: {detail}"
    if status == 429:
        return UpstreamRateLimited(message, retry_after=retry_after(response))
    if status in (408, 409) or status >= 500:
        return UpstreamUnavailable(message, retry_after=retry_after(response))
    if status in (401, 403):
        return UpstreamAuth(message)
    if status == 402:
        return UpstreamQuota(message)
    return UpstreamBadInput(message)


def unreadable(
    vendor: str, response: httpx.Response, *, creates: bool, expected: str = "JSON"
) -> GenerationError:
    """An answer without the body the vendor documents (``expected``).

    A successful create answer may still mean a task exists, so it is ``UpstreamLost``;
    another success is transient; an error status keeps its HTTP meaning.
    """
    snippet = response.text[:SNIPPET]
    if response.is_success and creates:
        return UpstreamLost(
            f"{vendor} answered the create call with HTTP {response.status_code} but no "
            f"{expected} ({snippet!r}); a task may exist, so it was not sent again"
        )
    if response.is_success:
        return UpstreamUnavailable(
            f"{vendor} answered HTTP {response.status_code} without {expected}: {snippet!r}"
        )
    return error_for_status(vendor, response, snippet or "no body")


def unnamed_task(vendor: str, response: httpx.Response, *, what: str = "task id") -> UpstreamLost:
    """A create answer that reads as accepted but names no task: one may exist at the vendor."""
    return UpstreamLost(
        f"{vendor} accepted the create call (HTTP {response.status_code}) but named no {what} "
        f"({response.text[:SNIPPET]!r}); a task may exist, so it was not sent again"
    )
