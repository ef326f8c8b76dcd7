"""Google's errors in vidgate's error tree. Pure functions.

Two places carry them: the error envelope of a non-2xx answer,
``{"error": {"code": <http>, "message", "status": "<canonical code>", "details": [...]}}``,
and the ``error`` of a finished operation, ``{"code": <gRPC number>, "message"}``. Both use
the canonical codes, so one table serves both. Google answers an invalid API key with
HTTP 400 INVALID_ARGUMENT (reason API_KEY_INVALID), which the table alone would misread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx

from vidgate.domain.errors import (
    Cancelled,
    ContentRefused,
    GenerationError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.engines.answers import error_for_status, json_object, retry_after, vendor_error

GRPC_NAMES = {
    1: "CANCELLED",
    2: "UNKNOWN",
    3: "INVALID_ARGUMENT",
    4: "DEADLINE_EXCEEDED",
    5: "NOT_FOUND",
    6: "ALREADY_EXISTS",
    7: "PERMISSION_DENIED",
    8: "RESOURCE_EXHAUSTED",
    9: "FAILED_PRECONDITION",
    10: "ABORTED",
    11: "OUT_OF_RANGE",
    12: "UNIMPLEMENTED",
    13: "INTERNAL",
    14: "UNAVAILABLE",
    15: "DATA_LOSS",
    16: "UNAUTHENTICATED",
}
_BY_STATUS: dict[str, type[GenerationError]] = {
    "CANCELLED": Cancelled,
    "INVALID_ARGUMENT": UpstreamBadInput,
    "NOT_FOUND": UpstreamBadInput,
    "ALREADY_EXISTS": UpstreamBadInput,
    "FAILED_PRECONDITION": UpstreamBadInput,
    "OUT_OF_RANGE": UpstreamBadInput,
    "UNIMPLEMENTED": UpstreamBadInput,
    "PERMISSION_DENIED": UpstreamAuth,
    "UNAUTHENTICATED": UpstreamAuth,
    "RESOURCE_EXHAUSTED": UpstreamRateLimited,
    "UNKNOWN": UpstreamUnavailable,
    "DEADLINE_EXCEEDED": UpstreamUnavailable,
    "ABORTED": UpstreamUnavailable,
    "INTERNAL": UpstreamUnavailable,
    "UNAVAILABLE": UpstreamUnavailable,
    "DATA_LOSS": UpstreamUnavailable,
}
# Veo's refusals of a prompt or image arrive as INVALID_ARGUMENT with these words.
_REFUSAL_MARKERS = (
    "usage guideline",
    "responsible ai",
    "sensitive",
    "safety",
    "violate",
    "support code",
)
_BAD_KEY_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED"})
_RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
_QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"
_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


def error_for_response(response: httpx.Response) -> GenerationError:
    """The domain error for a non-2xx answer, read from Google's envelope when there is one."""
    envelope = _envelope(response)
    if envelope is None:
        return error_for_status("google", response, response.text[:200] or "no body")
    status = str(envelope.get("status") or "")
    message = str(envelope.get("message") or "no message")
    details = _details(envelope)
    text = f"google answered HTTP {response.status_code} {status or '?'}: {message}"
    delay = retry_after(response) or _retry_delay(details)
    if _reason(details) in _BAD_KEY_REASONS:
        return UpstreamAuth(text)
    if status == "RESOURCE_EXHAUSTED" and _daily_quota(details, message):
        return UpstreamQuota(f"{text} (a daily quota; it resets at midnight Pacific time)")
    return _classify(status, message, text, delay) or error_for_status(
        "google", response, f"{status or '?'}: {message}"
    )


def error_for_operation(name: str, error: Mapping[str, Any]) -> GenerationError:
    """The domain error for an operation that finished with ``error``."""
    code = error.get("code")
    status = GRPC_NAMES.get(code, "UNKNOWN") if isinstance(code, int) else "UNKNOWN"
    message = str(error.get("message") or "no message")
    text = f"google operation {name} failed with code {code} {status}: {message}"
    return _classify(status, message, text, None) or UpstreamUnavailable(text)


def refused(name: str, count: object, reasons: object) -> ContentRefused:
    """Every sample was filtered by Google's responsible-AI checks."""
    listed = [str(r) for r in reasons] if isinstance(reasons, list) else []
    why = "; ".join(listed) or "no reason given"
    return ContentRefused(
        f"google filtered the video of operation {name} ({count} sample(s) removed by its "
        f"safety checks): {why}"
    )


def _classify(status: str, message: str, text: str, delay: float | None) -> GenerationError | None:
    lowered = message.lower()
    if status in ("INVALID_ARGUMENT", "FAILED_PRECONDITION"):
        if any(marker in lowered for marker in _REFUSAL_MARKERS):
            return ContentRefused(text)
        if "billing" in lowered:
            return UpstreamQuota(text)
    cls = _BY_STATUS.get(status)
    return vendor_error(cls, text, retry_after=delay) if cls is not None else None


def _envelope(response: httpx.Response) -> Mapping[str, Any] | None:
    body = json_object(response)
    error = body.get("error") if body is not None else None
    return error if isinstance(error, dict) else None


def _details(envelope: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    details = envelope.get("details")
    if not isinstance(details, list):
        return []
    return [d for d in details if isinstance(d, dict)]


def _reason(details: list[Mapping[str, Any]]) -> str | None:
    for detail in details:
        if detail.get("@type") == _ERROR_INFO:
            return str(detail.get("reason") or "")
    return None


def _retry_delay(details: list[Mapping[str, Any]]) -> float | None:
    """RetryInfo's ``retryDelay`` is a protobuf Duration in JSON: "12s", "1.5s"."""
    for detail in details:
        delay = detail.get("retryDelay") if detail.get("@type") == _RETRY_INFO else None
        match = re.fullmatch(r"(\d+(?:\.\d+)?)s", delay) if isinstance(delay, str) else None
        if match:
            return float(match.group(1))
    return None


def _daily_quota(details: list[Mapping[str, Any]], message: str) -> bool:
    if "per day" in message.lower():
        return True
    for detail in details:
        violations = detail.get("violations") if detail.get("@type") == _QUOTA_FAILURE else None
        for violation in violations if isinstance(violations, list) else []:
            if isinstance(violation, dict) and "PerDay" in str(violation.get("quotaId", "")):
                return True
    return False
