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

INPUT_SENSITIVE = 1026
OUTPUT_SENSITIVE = 1027

_RATE_LIMITED = {
    1002: "rate limit reached",
    1039: "token limit reached",
    1041: "connection limit reached",
    2045: "request rate grew too fast",
}
_UNAVAILABLE = {
    1000: "unknown error",
    1001: "request timed out",
    1024: "internal error",
    1033: "system error",
}
_FINAL: dict[int, tuple[type[GenerationError], str]] = {
    1004: (UpstreamAuth, "not authorized: the key is wrong, or does not match the GroupId"),
    1008: (UpstreamQuota, "the MiniMax account's balance is insufficient"),
    INPUT_SENSITIVE: (ContentRefused, "the prompt or image was flagged as sensitive"),
    OUTPUT_SENSITIVE: (ContentRefused, "the generated video was flagged as sensitive"),
    1042: (UpstreamBadInput, "the prompt holds too many invisible characters"),
    2013: (UpstreamBadInput, "invalid parameters"),
    2038: (UpstreamAuth, "the MiniMax account needs real-name verification"),
    2049: (UpstreamAuth, "invalid API key (or a key of the other region)"),
    2056: (UpstreamQuota, "the usage limit of the current quota window is exceeded"),
}


def error_for_code(
    code: int, message: str, *, retry_after: float | None = None, subject: str = "minimax"
) -> GenerationError:
    """The domain error for a non-zero ``base_resp.status_code``."""
    detail = f"{subject} code {code}, {{}} ({_shortened(message)})"
    if code in _RATE_LIMITED:
        return UpstreamRateLimited(detail.format(_RATE_LIMITED[code]), retry_after=retry_after)
    if code in _UNAVAILABLE:
        return UpstreamUnavailable(detail.format(_UNAVAILABLE[code]), retry_after=retry_after)
    cls, meaning = _FINAL.get(code, (UpstreamBadInput, "an error vidgate does not know"))
    return cls(detail.format(meaning))


def error_for_failed_task(task_id: str, code: int, message: str) -> GenerationError:
    """A task whose status is ``Fail``: the reason is in its ``base_resp``."""
    if code == 0:
        return UpstreamBadInput(f"minimax task {task_id} failed without giving a reason")
    return error_for_code(code, message, subject=f"minimax task {task_id} failed:")


def _shortened(message: str) -> str:
    text = " ".join(message.split()) or "no message"
    return text if len(text) <= 200 else text[:197] + "..."
