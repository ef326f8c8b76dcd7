"""Kling's service codes and failed tasks, in vidgate's error tree. Pure functions.

Kling overloads HTTP 429: account and billing problems (1100-1102, 1304) share it with the
rate and concurrency limits (1302, 1303), so the mapping reads ``code``, never the status.
"""

from __future__ import annotations

from vidgate.domain.errors import (
    ContentRefused,
    GenerationError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.engines.answers import vendor_error

CLOCK_SKEW = 1003
TOKEN_EXPIRED = 1004
# Codes a freshly signed token can cure; tried once per call.
RESIGN_CODES = frozenset({CLOCK_SKEW, TOKEN_EXPIRED})

CODES: dict[int, tuple[type[GenerationError], str]] = {
    1000: (UpstreamAuth, "authentication failed"),
    1001: (UpstreamAuth, "the Authorization header is empty"),
    1002: (UpstreamAuth, "the token is invalid; check access_key and secret_key"),
    1003: (UpstreamAuth, "the token is not valid yet; check this server's clock"),
    1004: (UpstreamAuth, "the token has expired; check this server's clock"),
    1100: (UpstreamAuth, "the Kling account is in an abnormal state"),
    1101: (UpstreamQuota, "the Kling account is in arrears"),
    1102: (UpstreamQuota, "the resource pack is used up or expired"),
    1103: (UpstreamAuth, "the account has no access to this API or model"),
    1200: (UpstreamBadInput, "invalid request parameters"),
    1201: (UpstreamBadInput, "invalid parameter"),
    1202: (UpstreamBadInput, "invalid request method"),
    1203: (UpstreamBadInput, "the requested resource does not exist"),
    1300: (ContentRefused, "the platform policy refused the request"),
    1301: (ContentRefused, "the content-safety policy refused the request"),
    1302: (UpstreamRateLimited, "requests are too frequent"),
    1303: (UpstreamRateLimited, "concurrent tasks exceed the resource pack's limit"),
    1304: (UpstreamAuth, "the account's IP whitelist refused this server"),
    5000: (UpstreamUnavailable, "internal server error"),
    5001: (UpstreamUnavailable, "temporarily unavailable"),
    5002: (UpstreamUnavailable, "internal timeout"),
}
# Any other 5xxx code is a server error too.
SERVER_ERROR = (UpstreamUnavailable, "server error")

_CONTENT_MARKERS = (
    "risk",
    "safety",
    "sensitive",
    "violat",
    "policy",
    "inappropriate",
    "moderation",
    "审核",
    "风控",
    "违规",
    "敏感",
)
_SERVER_MARKERS = ("internal", "timeout", "timed out", "system error", "busy", "server error")


def error_for_code(
    code: int, message: str, *, http_status: int, retry_after: float | None = None
) -> GenerationError | None:
    """The domain error for a non-zero service code, or None when the code is unknown."""
    known = CODES.get(code) or (SERVER_ERROR if 5000 <= code < 6000 else None)
    if known is None:
        return None
    cls, meaning = known
    text = f"kling code {code}, {meaning} (HTTP {http_status}): {message or 'no message'}"
    return vendor_error(cls, text, retry_after=retry_after)


def error_for_failed_task(task_id: str, reason: str | None) -> GenerationError:
    """A task that reached ``failed``: moderation, a server fault, or the input."""
    text = f"kling task {task_id} failed: {reason or 'no reason given'}"
    lowered = (reason or "").lower()
    if any(marker in lowered for marker in _CONTENT_MARKERS):
        return ContentRefused(text)
    if any(marker in lowered for marker in _SERVER_MARKERS):
        return UpstreamUnavailable(text)
    return UpstreamBadInput(text)


def is_duplicate_external_id(code: int, message: str) -> bool:
    """Kling refuses a second task with an ``external_task_id`` it has already seen."""
    squashed = message.lower().replace("_", "").replace(" ", "")
    return code in (1200, 1201) and "externaltaskid" in squashed
