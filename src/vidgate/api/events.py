"""Server-sent events: a job's status changes, one event each, until it ends."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from starlette.responses import StreamingResponse

from vidgate.domain.jobs import Job
from vidgate.services.watch import JobWatch

KEEPALIVE_SECONDS = 15.0
MAX_STREAM_SECONDS = 3600.0


def job_events(
    watch: JobWatch, job: Job, render: Callable[[Job], dict[str, Any]], status_field: str
) -> StreamingResponse:
    """``event: <status>`` with the rendered job as data: first the current state, then every
    change; the stream ends with the job (or after an hour; clients reconnect)."""
    return StreamingResponse(
        _stream(watch, job, render, status_field),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


async def _stream(
    watch: JobWatch, job: Job, render: Callable[[Job], dict[str, Any]], status_field: str
) -> AsyncIterator[bytes]:
    yield _event(render(job), status_field)
    deadline = time.monotonic() + MAX_STREAM_SECONDS
    while not job.status.is_terminal and time.monotonic() < deadline:
        changed = await watch.next_change(job, KEEPALIVE_SECONDS)
        if changed is None:
            yield b": keep-alive\n\n"
            continue
        job = changed
        yield _event(render(job), status_field)


def _event(body: dict[str, Any], status_field: str) -> bytes:
    name = str(body.get(status_field, "update"))
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(body) + b"\n\n"
