"""Waiting for a job to change: for long-polls (``Prefer: wait``) and event streams.

A job run by this process's worker wakes its waiters at once; a job run by another process
is noticed by re-reading it every ``poll_interval`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from vidgate.domain.jobs import Job
from vidgate.store.protocol import Store


class JobWatch:
    def __init__(self, store: Store, *, poll_interval: float = 0.5) -> None:
        self._store = store
        self._poll_interval = poll_interval
        self._waiters: dict[str, set[asyncio.Event]] = {}

    def notify(self, job_id: str) -> None:
        for event in self._waiters.get(job_id, ()):
            event.set()

    async def wait_until_done(self, job: Job, within: float) -> Job:
        """The job once it ended, or as it is when ``within`` seconds have passed."""
        deadline = time.monotonic() + within
        while not job.status.is_terminal and (remaining := deadline - time.monotonic()) > 0:
            job = await self.next_change(job, remaining) or job
        return job

    async def next_change(self, job: Job, within: float) -> Job | None:
        """The job as soon as its status or progress differs from ``job``'s; None when
        ``within`` seconds pass first (or the job is gone)."""
        deadline = time.monotonic() + within
        seen = _state(job)
        event = asyncio.Event()
        waiters = self._waiters.setdefault(job.id, set())
        waiters.add(event)
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(self._poll_interval, remaining))
                event.clear()
                current = await self._store.get_job(job.id, job.key_id)
                if current is None:
                    return None
                if _state(current) != seen:
                    return current
            return None
        finally:
            waiters.discard(event)
            if not waiters:
                self._waiters.pop(job.id, None)


def _state(job: Job) -> tuple[str, int]:
    return job.status.value, job.progress
