"""Webhook events for finished generations, and when failed deliveries are tried again."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from vidgate.domain.jobs import Job, JobStatus

# After the first attempt fails, wait this long before each next one (about 27 hours in
# all), in the spirit of the Standard Webhooks retry schedule.
RETRY_DELAYS = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    id: str
    type: str
    payload: dict[str, Any]


def event_for(job: Job, now: float) -> WebhookEvent:
    """``video.completed`` or ``video.failed`` (cancelled jobs included), with the job's
    id, model, status and error; receivers fetch the rest with the id."""
    event_id = f"evt_{os.urandom(12).hex()}"
    completed = job.status is JobStatus.SUCCEEDED
    kind = "video.completed" if completed else "video.failed"
    error = {"code": job.error.name, "message": job.error.message} if job.error else None
    payload = {
        "id": event_id,
        "object": "event",
        "created_at": int(now),
        "type": kind,
        "data": {
            "id": job.id,
            "object": "video",
            "model": job.model,
            "status": "completed" if completed else "failed",
            "error": error,
        },
    }
    return WebhookEvent(event_id, kind, payload)


def next_attempt_delay(attempts_made: int, scale: float = 1.0) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` failed ones; None: give up."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[attempts_made - 1] * scale
