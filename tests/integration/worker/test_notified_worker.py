"""A worker on PostgreSQL hears of new jobs and cancel requests from other processes at
once (LISTEN/NOTIFY), though it polls only every minute."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.integration.worker.test_worker import PRIMARY, ScriptedEngine, scripted_worker
from tests.support.databases import fresh_postgres_database, migrated_store
from tests.support.factories import new_job, new_key
from vidgate.domain.jobs import Job, JobStatus
from vidgate.domain.routing import RoutingTable
from vidgate.store.sql import SqlStore
from vidgate.store.sql.listener import JobEventListener
from vidgate.worker.runner import WorkerConfig

pytestmark = pytest.mark.postgres

SLOW_POLL = 60.0  # longer than any test here: only a notification can explain a quick claim


@dataclass
class Fleet:
    """A running worker, and a store of its own standing for another process."""

    worker_store: SqlStore
    other_process: SqlStore
    engine: ScriptedEngine


@pytest.fixture
async def fleet(tmp_path: Path) -> AsyncIterator[Fleet]:
    async with (
        fresh_postgres_database() as url,
        migrated_store(url) as worker_store,
        migrated_store(url) as other_process,
        httpx.AsyncClient() as http,
    ):
        worker, engine = scripted_worker(
            worker_store,
            tmp_path,
            http,
            WorkerConfig(lease_seconds=90, claim_interval=SLOW_POLL),
            job_timeout=60,
            routing=RoutingTable({"video-01": [PRIMARY]}),
        )
        listener = JobEventListener(url, worker.on_job_event, on_connected=worker.wake)
        tasks = [asyncio.create_task(worker.run()), asyncio.create_task(listener.run())]
        try:
            while not listener.connected:
                await asyncio.sleep(0.01)
            yield Fleet(worker_store, other_process, engine)
        finally:
            await worker.stop(grace=1)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def until_status(store: SqlStore, job: Job, status: JobStatus, within: float = 5) -> None:
    async with asyncio.timeout(within):
        while (current := await store.get_job(job.id)) is None or current.status is not status:
            await asyncio.sleep(0.02)


async def test_a_job_queued_by_another_process_runs_without_waiting_for_the_poll(
    fleet: Fleet,
) -> None:
    key = await fleet.other_process.create_key(new_key())

    job = await fleet.other_process.create_job(new_job(key.id, deployment="primary"))

    await until_status(fleet.other_process, job, JobStatus.SUCCEEDED)


async def test_a_cancel_requested_elsewhere_stops_the_running_job_at_once(fleet: Fleet) -> None:
    fleet.engine.plan["slow"] = "hang"
    key = await fleet.other_process.create_key(new_key())
    job = await fleet.other_process.create_job(new_job(key.id, deployment="primary", prompt="slow"))
    await until_status(fleet.other_process, job, JobStatus.RUNNING)

    # The heartbeat, which also brings cancel requests, comes only every 30 s here.
    await fleet.other_process.request_cancel(job.id, key.id)

    await until_status(fleet.other_process, job, JobStatus.CANCELLED)
    assert fleet.engine.cancels == [job.id]
