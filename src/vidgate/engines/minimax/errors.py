"""MiniMax's ``base_resp.status_code`` values in vidgate's error tree. Pure functions.

MiniMax answers HTTP 200 for nearly every error and puts the reason in ``base_resp``; the
table below is its error-code page. Rate and load codes are transient (the shared loop backs
off and retries them); account, input and moderation codes are final.
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
from vidgate.engines.answers import shortened, vendor_error

INPUT_SENSITIVE = 1026
OUTPUT_SENSITIVE = 1027

CODES: dict[int, tuple[type[GenerationError], str]] = {
    1000: (UpstreamUnavailable, "unknown error"),
    1001: (UpstreamUnavailable, "request timed out"),
    1002: (UpstreamRateLimited, "rate limit reached"),
    1004: (UpstreamAuth, "not authorized: the key is wrong, or does not match the GroupId"),
    1008: (UpstreamQuota, "the MiniMax account's balance is insufficient"),
    1024: (UpstreamUnavailable, "internal error"),
    INPUT_SENSITIVE: (ContentRefused, "the prompt or image was flagged as sensitive"),
    OUTPUT_SENSITIVE: (ContentRefused, "the generated video was flagged as sensitive"),
    1033: (UpstreamUnavailable, "system error"),
    1039: (UpstreamRateLimited, "token limit reached"),
    1041: (UpstreamRateLimited, "connection limit reached"),
    1042: (UpstreamBadInput, "the prompt holds too many invisible characters"),
    2013: (UpstreamBadInput, "invalid parameters"),
    2038: (UpstreamAuth, "the MiniMax account needs real-name verification"),
    2045: (UpstreamRateLimited, "request rate grew too fast"),
    2049: (UpstreamAuth, "invalid API key (or a key of the other region)"),
    2056: (UpstreamQuota, "the usage limit of the current quota window is exceeded"),
}
UNKNOWN = (UpstreamBadInput, "an error vidgate does not know")


def error_for_code(
    code: int, message: str, *, retry_after: float | None = None, subject: str = "minimax"
) -> GenerationError:
    """The domain error for a non-zero ``base_resp.status_code``."""
    cls, meaning = CODES.get(code, UNKNOWN)
    text = f"{subject} code {code}, {meaning} ({shortened(message) or 'no message'})"
    return vendor_error(cls, text, retry_after=retry_after)


def error_for_failed_task(task_id: str, code: int, message: str) -> GenerationError:
    """A task whose status is ``Fail``: the reason is in its ``base_resp``."""
    if code == 0:
        return UpstreamBadInput(f"minimax task {task_id} failed without giving a reason")
    return error_for_code(code, message, subject=f"minimax task {task_id} failed:")
