"""MiniMax's answers: a JSON object with ``base_resp``, and the task states of the query call.

Task ids and ``file_id`` are strings in the query answer while ``files/retrieve`` returns
``file.file_id`` as an integer; everything here reads ids as text and never checks types it
does not need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from vidgate.engines.answers import json_object
from vidgate.engines.remote import TaskPhase

# Older docs list only Preparing/Processing/Success/Fail; the SDKs add Queueing. Callbacks
# use lower case, so the comparison ignores case. Unknown values count as running.
_PHASES: dict[str, TaskPhase] = {
    "preparing": "queued",
    "queueing": "queued",
    "queuing": "queued",
    "processing": "running",
    "success": "succeeded",
    "fail": "failed",
    "failed": "failed",
}


@dataclass(frozen=True, slots=True)
class Answer:
    response: httpx.Response
    body: Mapping[str, Any]
    code: int
    message: str


def read_answer(response: httpx.Response) -> Answer | None:
    """The answer, or None when the body is not a JSON object (an edge's error page)."""
    body = json_object(response)
    if body is None:
        return None
    base = body.get("base_resp")
    base = base if isinstance(base, dict) else {}
    code = base.get("status_code", 0)
    if not isinstance(code, int) or isinstance(code, bool):
        return None
    return Answer(response, body, code, str(base.get("status_msg") or ""))


def task_phase(status: str) -> TaskPhase:
    return _PHASES.get(status.lower(), "running")


def text_id(value: object) -> str | None:
    """An id MiniMax sends as a string or a number, as text; None when absent."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def download_url(body: Mapping[str, Any]) -> str | None:
    """``file.download_url`` of a ``files/retrieve`` answer."""
    file = body.get("file")
    url = file.get("download_url") if isinstance(file, dict) else None
    return url if isinstance(url, str) and url else None
