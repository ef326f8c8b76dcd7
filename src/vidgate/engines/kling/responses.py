"""Kling's answers: the ``{code, message, request_id, data}`` envelope and the task object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from vidgate.domain.errors import OutputInvalid
from vidgate.engines.answers import json_object, retry_after
from vidgate.engines.kling.errors import error_for_failed_task
from vidgate.engines.protocol import RemoteVideo
from vidgate.engines.remote import TaskPhase, TaskSnapshot

_RUNNING_PHASES: dict[str, TaskPhase] = {"submitted": "queued", "processing": "running"}


@dataclass(frozen=True, slots=True)
class Envelope:
    response: httpx.Response
    code: int
    message: str
    data: Mapping[str, Any]

    @property
    def ok(self) -> bool:
        return self.code == 0 and self.response.is_success

    @property
    def retry_after(self) -> float | None:
        return retry_after(self.response)


def read_envelope(response: httpx.Response) -> Envelope | None:
    """The envelope, or None when the body is not one (a proxy's error page, no body)."""
    body = json_object(response)
    code = body.get("code") if body is not None else None
    if body is None or not isinstance(code, int) or isinstance(code, bool):
        return None
    data = body.get("data")
    return Envelope(
        response=response,
        code=code,
        message=str(body.get("message") or ""),
        data=data if isinstance(data, dict) else {},
    )


def snapshot_for(data: Mapping[str, Any]) -> TaskSnapshot:
    """One task object (``GET /v1/videos/<family>/<id>``) in vidgate's terms."""
    status = str(data.get("task_status") or "")
    task_id = str(data.get("task_id") or "?")
    if status == "succeed":
        return _succeeded(task_id, data)
    if status == "failed":
        error = error_for_failed_task(task_id, _text(data.get("task_status_msg")))
        return TaskSnapshot("failed", vendor_status=status, error=error)
    # An unknown status from a newer API keeps the task polled until its deadline.
    return TaskSnapshot(_RUNNING_PHASES.get(status, "running"), vendor_status=status or None)


def created_at_seconds(data: Mapping[str, Any]) -> float | None:
    """Kling's ``created_at`` (Unix milliseconds) in seconds."""
    value = data.get("created_at")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value) / 1000
    return None


def external_task_id(data: Mapping[str, Any]) -> str | None:
    info = data.get("task_info")
    value = info.get("external_task_id") if isinstance(info, dict) else None
    return value if isinstance(value, str) else None


def _succeeded(task_id: str, data: Mapping[str, Any]) -> TaskSnapshot:
    url = _first_video_url(data.get("task_result"))
    if url is None:
        error = OutputInvalid(f"kling task {task_id} succeeded but lists no video URL")
        return TaskSnapshot("failed", vendor_status="succeed", error=error)
    return TaskSnapshot("succeeded", progress=100, vendor_status="succeed", output=RemoteVideo(url))


def _first_video_url(result: object) -> str | None:
    videos = result.get("videos") if isinstance(result, dict) else None
    first = videos[0] if isinstance(videos, list) and videos else None
    url = first.get("url") if isinstance(first, dict) else None
    return url if isinstance(url, str) and url else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
