"""The worker loop: claim what there are free slots for, heartbeat leases, stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from vidgate.domain.routing import Deployment, RoutingTable
from vidgate.engines.protocol import Engine
from vidgate.store.events import JobEvent
from vidgate.store.protocol import ClaimRequest, Store
from vidgate.worker.execution import JobRunner, RunningJob, request_stop

log = logging.getLogger("vidgate.worker")

# Vendor jobs mostly wait on the vendor, so one process can follow many; a local GPU runs
# one generation at a time (sandbox slots come from the config: rendering is CPU-bound).
DEFAULT_SLOTS = {"diffusers": 1}
DEFAULT_VENDOR_SLOTS = 1000
# Jobs claimed per deployment per claim: turning rows into running jobs holds the loop, and
# a worker with thousands of free slots would otherwise stall every job it follows for
# seconds while it claims them all at once.
CLAIM_BATCH = 50


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    lease_seconds: float = 30.0
    max_attempts: int = 3
    claim_interval: float = 1.0
    sweep_interval: float = 15.0
    engines: frozenset[str] | None = None
    sandbox_slots: int = 2
    job_timeout: float = 4 * 3600.0


def new_owner_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(
        self,
        *,
        store: Store,
        engines: Mapping[str, Engine],
        routing: RoutingTable,
        runner: JobRunner,
        owner: str,
        config: WorkerConfig,
    ) -> None:
        self._store = store
        self._engines = engines
        self._routing = routing
        self._runner = runner
        self.owner = owner
        self._config = config
        self._running: dict[str, RunningJob] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._stopping = False

    @property
    def running_count(self) -> int:
        return len(self._running)

    def wake(self) -> None:
        self._wake.set()

    def serves(self, deployment: Deployment) -> bool:
        wanted = self._config.engines
        return deployment.engine in self._engines and (
            wanted is None or deployment.engine in wanted
        )

    def on_job_event(self, event: JobEvent) -> None:
        """A hint from another process: new work for a deployment, or a cancel request."""
        if event.kind == "cancel":
            if event.subject in self._running:
                self.cancel_soon(event.subject)
            return
        deployment = self._routing.deployment(event.subject)
        if deployment is None or self.serves(deployment):
            self.wake()

    def cancel_soon(self, job_id: str) -> None:
        """Schedule ``cancel`` (for callers that cannot await, like the service's hooks)."""
        task = asyncio.get_running_loop().create_task(self.cancel(job_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def cancel(self, job_id: str) -> None:
        running = self._running.get(job_id)
        if running is not None:
            await request_stop(self._engines.get(running.job.engine), running, "cancel")

    async def run(self) -> None:
        """Claim and run jobs until ``stop`` is called."""
        heartbeat = asyncio.create_task(self._heartbeat_loop())
        sweeper = asyncio.create_task(self._sweep_loop())
        try:
            while not self._stopping:
                # Cleared before claiming, so a wake-up that comes during the claim counts.
                self._wake.clear()
                if await self.claim_once() >= CLAIM_BATCH:
                    await asyncio.sleep(0)  # more may be waiting: let the others run, claim again
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._config.claim_interval)
        finally:
            heartbeat.cancel()
            sweeper.cancel()

    async def claim_once(self) -> int:
        """Claim up to ``CLAIM_BATCH`` jobs per deployment; the number claimed."""
        requests = [
            ClaimRequest(dep.name, min(free, CLAIM_BATCH))
            for dep in self._routing.all_deployments()
            if self.serves(dep) and (free := self._free_slots(dep)) > 0
        ]
        if not requests:
            return 0
        jobs = await self._store.claim(
            self.owner, requests, self._config.lease_seconds, self._config.max_attempts
        )
        for job in jobs:
            running = RunningJob(job)
            self._running[job.id] = running
            task = asyncio.create_task(self._execute(running))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(jobs)

    async def drain(self, within: float = 120.0) -> None:
        """Run until nothing is claimable and nothing runs (tests, one-shot CLI)."""
        async with asyncio.timeout(within):
            while True:
                claimed = await self.claim_once()
                if not claimed and not self._running:
                    return
                if self._tasks:
                    await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming, let running jobs finish for ``grace`` seconds, hand back the rest."""
        self._stopping = True
        self._wake.set()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace)
        for running in list(self._running.values()):
            await request_stop(self._engines.get(running.job.engine), running, "shutdown")
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace)
        handed = await self._store.hand_back(self.owner)
        if handed:
            log.info("handed %d unfinished jobs back to the queue", handed)

    def _free_slots(self, deployment: Deployment) -> int:
        limit = deployment.max_concurrency or (
            self._config.sandbox_slots
            if deployment.engine == "sandbox"
            else DEFAULT_SLOTS.get(deployment.engine, DEFAULT_VENDOR_SLOTS)
        )
        busy = sum(1 for r in self._running.values() if r.job.deployment == deployment.name)
        return limit - busy

    async def _execute(self, running: RunningJob) -> None:
        try:
            await self._runner.execute(running)
        finally:
            self._running.pop(running.job.id, None)
            self._wake.set()

    async def _heartbeat_loop(self) -> None:
        interval = self._config.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            try:
                cancels = await self._store.heartbeat(self.owner, self._config.lease_seconds)
            except Exception:  # a database blip must not kill the heartbeat; log and retry
                log.exception("heartbeat failed")
                continue
            for job_id in cancels:
                await self.cancel(job_id)

    async def _sweep_loop(self) -> None:
        while True:
            await asyncio.sleep(self._config.sweep_interval)
            try:
                for job in await self._store.fail_exhausted(self._config.max_attempts):
                    log.warning("job %s given up after %d attempts", job.id, job.attempts)
                overdue = time.time() - self._config.job_timeout
                for job in await self._store.fail_overdue(overdue):
                    log.warning("job %s passed its deadline unclaimed", job.id)
            except Exception:  # keep sweeping on the next tick
                log.exception("sweep failed")
