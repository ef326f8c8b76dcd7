"""Runway's HTTP errors and task ``failureCode`` values in vidgate's error tree. Pure functions.

Runway's guidance is not to show a task's ``failure`` text to end users, so messages here are
built from the machine ``failureCode`` only; the engine keeps the text in the job's upstream
state for operators.
"""

from __future__ import annotations

import httpx

from vidgate.domain.errors import (
    ContentRefused,
    GenerationError,
    UpstreamBadInput,
    UpstreamQuota,
    UpstreamUnavailable,
)
from vidgate.engines.answers import error_for_status, json_object, shortened

_REFUSED = (
    ("SAFETY.INPUT.", "the prompt or input image"),
    ("SAFETY.OUTPUT.", "the generated video"),
    ("INPUT_PREPROCESSING.SAFETY.", "the prompt or input image"),
    ("SAFETY.", "the request"),
)


def error_for_response(response: httpx.Response) -> GenerationError:
    """A non-2xx answer. A 400 about credits is the account running dry, not bad input."""
    detail = error_text(response)
    if response.status_code == 400 and "credit" in detail.lower():
        return UpstreamQuota(f"runway answered HTTP 400: {detail}")
    return error_for_status("runway", response, detail)


def error_for_failed_task(task_id: str, code: str | None) -> GenerationError:
    """A task that reached ``FAILED``, by its ``failureCode``."""
    label = f"failure code {code or 'none given'}"
    code = code or ""
    for prefix, subject in _REFUSED:
        if code.startswith(prefix):
            return ContentRefused(f"runway's moderation refused {subject} ({label})")
    if code.startswith("ASSET."):
        return UpstreamBadInput(f"runway could not use an input image ({label})")
    if code.startswith("INTERNAL.BAD_OUTPUT"):
        return UpstreamBadInput(
            f"runway rejected the generated video ({label}); text or graphics in the input "
            "image often cause this"
        )
    if code == "INTERNAL" or code.startswith(("INTERNAL.", "INPUT_PREPROCESSING.INTERNAL")):
        return UpstreamUnavailable(f"runway task {task_id} failed internally ({label})")
    return UpstreamBadInput(f"runway task {task_id} failed ({label})")


def error_text(response: httpx.Response) -> str:
    """The ``error`` member of an error body, else the start of the body."""
    body = json_object(response)
    error = body.get("error") if body is not None else None
    text = error if isinstance(error, str) and error else response.text or "no body"
    return shortened(text, 300)
