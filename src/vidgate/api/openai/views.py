"""Jobs as OpenAI ``Video`` objects: the four statuses, integer progress and timestamps,
``seconds`` as a string, ``size`` as ``WxH`` — what the SDK's strict validation wants."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from vidgate.api.errors import json_response
from vidgate.domain.catalogue import Catalogue
from vidgate.domain.jobs import Job, JobStatus
from vidgate.domain.shapes import nominal_seconds

STATUS = {
    JobStatus.QUEUED: "queued",
    JobStatus.RUNNING: "in_progress",
    JobStatus.SUCCEEDED: "completed",
    JobStatus.FAILED: "failed",
    JobStatus.CANCELLED: "failed",
}

POLL_AFTER_MS = {"sandbox": 1000, "diffusers": 2000}


def video_response(job: Job, catalogue: Catalogue) -> Response:
    """A ``Video`` answer; while the job runs, ``openai-poll-after-ms`` says when to ask again."""
    headers: dict[str, str] = {}
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        headers["openai-poll-after-ms"] = str(POLL_AFTER_MS.get(job.engine, 5000))
    return json_response(video(job, catalogue), headers=headers)


def video(job: Job, catalogue: Catalogue) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": job.id,
        "object": "video",
        "created_at": int(job.created_at),
        "completed_at": int(job.finished_at) if job.finished_at else None,
        "expires_at": None,
        "status": STATUS[job.status],
        "progress": 100 if job.status is JobStatus.SUCCEEDED else int(job.progress),
        "model": job.model,
        "seconds": _seconds(job, catalogue),
        "size": f"{job.shape.width}x{job.shape.height}",
        "prompt": job.params.get("prompt"),
        "remixed_from_video_id": job.remixed_from,
        "error": {"code": job.error.name, "message": job.error.message} if job.error else None,
        "usage": {"credits": job.credits_used},
        "engine": job.engine,
    }
    return body


def page(jobs: list[Job], catalogue: Catalogue, has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [video(j, catalogue) for j in jobs],
        "first_id": jobs[0].id if jobs else None,
        "last_id": jobs[-1].id if jobs else None,
        "has_more": has_more,
    }


def deleted(job_id: str) -> dict[str, Any]:
    return {"id": job_id, "object": "video.deleted", "deleted": True}


def _seconds(job: Job, catalogue: Catalogue) -> str:
    spec = catalogue.get(job.model)
    value = nominal_seconds(spec, job.params) if spec else job.shape.seconds
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
