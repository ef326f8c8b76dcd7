"""The EngineContext the worker hands to an engine, backed by the store."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from vidgate.domain.jobs import Job, JobStatus
from vidgate.engines.protocol import PublicPhase
from vidgate.store.protocol import Store

_PHASES = {"queued": JobStatus.QUEUED, "running": JobStatus.RUNNING}


class LostLease(Exception):
    """Another worker owns the job now (our lease expired); stop working on it."""


class JobContext:
    """Progress writes are coalesced: a phase change is written at once, progress at most
    every ``min_interval`` seconds, so an engine may report every step for free."""

    def __init__(
        self,
        store: Store,
        job: Job,
        owner: str,
        workdir: Path,
        *,
        min_interval: float = 0.5,
        on_change: Callable[[str], None] = lambda job_id: None,
    ) -> None:
        self._store = store
        self._on_change = on_change

        self._job = job
        self._owner = owner
        self.workdir = workdir
        self._upstream: Mapping[str, Any] | None = job.upstream
        self._phase = job.status
        self._progress = job.progress
        self._vendor_status = job.upstream_status
        self._last_write = 0.0
        self._min_interval = min_interval
        self.cancel_requested = job.cancel_requested

    @property
    def upstream(self) -> Mapping[str, Any] | None:
        return self._upstream

    async def save_upstream(self, state: Mapping[str, Any] | None) -> None:
        if not await self._store.save_upstream(self._job.id, self._owner, state):
            raise LostLease(self._job.id)
        self._upstream = dict(state) if state is not None else None

    async def report(
        self, phase: PublicPhase, progress: int | None = None, vendor_status: str | None = None
    ) -> None:
        status = _PHASES[phase]
        progress = self._progress if progress is None else max(0, min(99, int(progress)))
        changed_phase = status != self._phase or vendor_status != self._vendor_status
        now = time.monotonic()
        if not changed_phase and (
            progress == self._progress or now - self._last_write < self._min_interval
        ):
            return
        if not await self._store.report(
            self._job.id,
            self._owner,
            status=status,
            progress=progress,
            upstream_status=vendor_status,
        ):
            raise LostLease(self._job.id)
        self._phase, self._progress, self._vendor_status = status, progress, vendor_status
        self._last_write = now
        self._on_change(self._job.id)
