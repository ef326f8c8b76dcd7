"""DashScope's answers: the error body, the create answer and the task object.

create  {"output": {"task_id", "task_status": "PENDING"}, "request_id"}
poll    {"output": {"task_id", "task_status", "submit_time", "end_time", "video_url",
                    "code", "message", ...}, "usage": {...}, "request_id"}
error   {"request_id", "code", "message"}   (sometimes inside an HTTP 200)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vidgate.domain.errors import Cancelled, GenerationError, OutputInvalid, UpstreamLost
from vidgate.engines.alibaba.errors import error_for_failed_task
from vidgate.engines.protocol import RemoteVideo
from vidgate.engines.remote import TaskPhase, TaskSnapshot

_WAITING: dict[str, TaskPhase] = {"PENDING": "queued", "SUSPENDED": "queued", "RUNNING": "running"}


def error_code(body: Mapping[str, Any] | None) -> str | None:
    code = body.get("code") if body is not None else None
    return code if isinstance(code, str) and code else None


def task_output(body: Mapping[str, Any] | None) -> Mapping[str, Any]:
    output = body.get("output") if body is not None else None
    return output if isinstance(output, dict) else {}


def snapshot_for(output: Mapping[str, Any]) -> TaskSnapshot:
    """One task object in vidgate's terms."""
    status = str(output.get("task_status") or "")
    task_id = str(output.get("task_id") or "?")
    if status in _WAITING:
        return TaskSnapshot(_WAITING[status], vendor_status=status)
    if status == "SUCCEEDED":
        return _succeeded(task_id, output)
    if status == "FAILED":
        code, message = _text(output.get("code")), _text(output.get("message"))
        return _failed(status, error_for_failed_task(task_id, code, message))
    if status == "CANCELED":
        return _failed(status, Cancelled(f"alibaba task {task_id} was cancelled at DashScope"))
    if status == "UNKNOWN":
        return _failed(status, _unknown(task_id))
    # A status a newer API added keeps the task polled until its deadline.
    return TaskSnapshot("running", vendor_status=status or None)


def _succeeded(task_id: str, output: Mapping[str, Any]) -> TaskSnapshot:
    url = output.get("video_url")
    if not isinstance(url, str) or not url:
        error = OutputInvalid(f"alibaba task {task_id} succeeded without a video_url")
        return _failed("SUCCEEDED", error)
    return TaskSnapshot("succeeded", 100, "SUCCEEDED", output=RemoteVideo(url))


def _unknown(task_id: str) -> UpstreamLost:
    return UpstreamLost(
        f"alibaba no longer knows task {task_id} (UNKNOWN: task ids expire after 24 hours); "
        "its result cannot be retrieved"
    )


def _failed(status: str, error: GenerationError) -> TaskSnapshot:
    return TaskSnapshot("failed", vendor_status=status, error=error)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
