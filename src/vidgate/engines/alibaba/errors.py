"""DashScope's error codes in vidgate's error tree. Pure functions.

The same codes arrive in an HTTP error body (``{"request_id", "code", "message"}``) and in
a FAILED task (``output.code``/``output.message``). A code is looked up whole, then by its
family (the part before the first dot: ``Throttling.RateQuota`` → ``Throttling``).
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

_BY_CODE: dict[str, type[GenerationError]] = {
    "DataInspectionFailed": ContentRefused,
    # The media could not be inspected (format), not a moderation verdict.
    "InvalidParameter.DataInspection": UpstreamBadInput,
    "InvalidParameter": UpstreamBadInput,
    "InvalidURL": UpstreamBadInput,
    "BadRequest": UpstreamBadInput,
    "Arrearage": UpstreamQuota,
    "InvalidApiKey": UpstreamAuth,
    "AccessDenied": UpstreamAuth,
    "Throttling": UpstreamRateLimited,
    "InternalError": UpstreamUnavailable,
    "RequestTimeOut": UpstreamUnavailable,
}
_HINTS = {
    "InvalidApiKey": "a DashScope key works only in its own region; this deployment uses "
    "region {region}",
    "AccessDenied.Unpurchased": "the model is not activated for this account",
    "Arrearage": "the Alibaba Cloud account is overdue",
}


def error_class(code: str) -> type[GenerationError] | None:
    return _BY_CODE.get(code) or _BY_CODE.get(code.split(".", 1)[0])


def error_for_code(
    code: str,
    message: str,
    *,
    subject: str = "alibaba",
    http_status: int | None = None,
    retry_after: float | None = None,
    region: str = "?",
) -> GenerationError | None:
    """The domain error for a DashScope code, or None when the code is unknown."""
    cls = error_class(code)
    if cls is None:
        return None
    status = f" (HTTP {http_status})" if http_status is not None else ""
    hint = _HINTS.get(code, "").format(region=repr(region))
    text = f"{subject} {code}{status}: {message or 'no message'}" + (f" ({hint})" if hint else "")
    return vendor_error(cls, text, retry_after=retry_after)


def error_for_failed_task(task_id: str, code: str, message: str) -> GenerationError:
    """A task that reached FAILED; an unknown code counts as a refused request."""
    subject = f"alibaba task {task_id} failed with"
    known = error_for_code(code, message, subject=subject)
    return known or UpstreamBadInput(f"{subject} {code or '?'}: {message or 'no message'}")
