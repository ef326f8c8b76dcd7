"""Runway's task object (``GET /v1/tasks/{id}``) in vidgate's terms. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vidgate.domain.errors import Cancelled, OutputInvalid
from vidgate.engines.protocol import RemoteVideo
from vidgate.engines.remote import TaskPhase, TaskSnapshot
from vidgate.engines.runway.errors import error_for_failed_task

# THROTTLED: accepted, waiting for one of the account's concurrency slots.
_WAITING: dict[str, TaskPhase] = {"PENDING": "queued", "THROTTLED": "queued"}
# The SDK spells it CANCELLED; one Runway guide writes CANCELED.
CANCELLED_STATUSES = frozenset({"CANCELLED", "CANCELED"})


def snapshot_for(task: Mapping[str, Any], task_id: str) -> TaskSnapshot:
    status = str(task.get("status") or "")
    if status in _WAITING:
        return TaskSnapshot(_WAITING[status], vendor_status=status)
    if status == "SUCCEEDED":
        return _succeeded(task, task_id)
    if status == "FAILED":
        return _failed(task, task_id)
    if status in CANCELLED_STATUSES:
        error = Cancelled(f"runway task {task_id} was cancelled at runway")
        return TaskSnapshot("failed", vendor_status=status, error=error)
    # RUNNING, and any status a newer API adds, keeps the task polled until its deadline.
    return TaskSnapshot("running", progress=percent(task.get("progress")), vendor_status=status)


def percent(progress: object) -> int | None:
    """Runway's ``progress`` (a fraction, 0-1) as a percentage below 100 while running."""
    if isinstance(progress, bool) or not isinstance(progress, int | float):
        return None
    value = progress * 100 if progress <= 1 else progress
    return max(0, min(99, round(value)))


def _succeeded(task: Mapping[str, Any], task_id: str) -> TaskSnapshot:
    output = task.get("output")
    url = output[0] if isinstance(output, list) and output else None
    if not isinstance(url, str) or not url:
        error = OutputInvalid(f"runway task {task_id} succeeded but lists no output URL")
        return TaskSnapshot("failed", vendor_status="SUCCEEDED", error=error)
    return TaskSnapshot(
        "succeeded", progress=100, vendor_status="SUCCEEDED", output=RemoteVideo(url)
    )


def _failed(task: Mapping[str, Any], task_id: str) -> TaskSnapshot:
    code = task.get("failureCode")
    code = code if isinstance(code, str) and code else None
    failure = task.get("failure")
    text = str(failure)[:1000] if failure else None
    return TaskSnapshot(
        "failed",
        vendor_status="FAILED",
        error=error_for_failed_task(task_id, code),
        # Kept for operators in the job's upstream state; never shown to the caller.
        state_update={"failure": text, "failure_code": code},
    )
