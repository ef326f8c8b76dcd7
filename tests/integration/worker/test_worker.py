"""The worker over a real store: success, failure, refunds, failover, cancel, deadlines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from tests.support.factories import new_job, new_key
from vidgate.blobs.local import LocalBlobStore
from vidgate.domain.errors import ContentRefused, UpstreamUnavailable
from vidgate.domain.jobs import Job, JobStatus
from vidgate.domain.routing import SANDBOX, Deployment, RoutingTable
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.engines.protocol import (
    EngineContext,
    EngineJob,
    EngineOutput,
    LocalVideo,
    Readiness,
)
from vidgate.media.encode import write_mp4
from vidgate.store.protocol import ClaimRequest
from vidgate.store.sql import SqlStore
from vidgate.worker import runner as runner_module
from vidgate.worker.execution import JobRunner
from vidgate.worker.outputs import OutputIngest
from vidgate.worker.runner import Worker, WorkerConfig


@dataclass
class ScriptedEngine:
    """An engine whose behaviour each test scripts: ``plan`` maps a prompt to an action."""

    name: str = "sandbox"
    plan: dict[str, str] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)
    cancels: list[str] = field(default_factory=list)
    bills_on_cancel: bool = False

    def readiness(self, deployment: Deployment) -> Readiness:
        return Readiness(True)

    async def run(self, job: EngineJob, ctx: EngineContext) -> EngineOutput:
        self.runs.append(job.id)
        action = self.plan.get(str(job.params.get("prompt")), "succeed")
        await ctx.report("running", 10)
        if action == "refuse":
            raise ContentRefused("refused by the vendor")
        if action == "unavailable":
            raise UpstreamUnavailable("vendor down")
        if action == "hang":
            await asyncio.sleep(3600)
        if action == "submit-then-hang":
            await ctx.save_upstream({"task_id": "t1"})
            await asyncio.sleep(3600)
        path = ctx.workdir / "out.mp4"
        frames = (np.full((16, 16, 3), i * 20, np.uint8) for i in range(8))
        write_mp4(path, frames, width=16, height=16, fps=8)
        return LocalVideo(path)

    async def cancel(self, job: EngineJob, upstream: Mapping[str, Any] | None) -> bool:
        self.cancels.append(job.id)
        return self.bills_on_cancel and upstream is not None


BACKUP = Deployment(name="backup", engine="sandbox")
PRIMARY = Deployment(name="primary", engine="sandbox")


@pytest.fixture
async def setup(store: SqlStore, tmp_path: Path) -> AsyncIterator[tuple[Worker, ScriptedEngine]]:
    async with httpx.AsyncClient() as http:
        yield scripted_worker(store, tmp_path, http, WorkerConfig(lease_seconds=30))


def scripted_worker(
    store: SqlStore,
    tmp_path: Path,
    http: httpx.AsyncClient,
    config: WorkerConfig,
    *,
    job_timeout: float = 5,
    routing: RoutingTable | None = None,
) -> tuple[Worker, ScriptedEngine]:
    """A worker running ``video-01`` on a scripted engine, by default on PRIMARY then
    BACKUP."""
    engine = ScriptedEngine()
    routing = routing or RoutingTable({"video-01": [PRIMARY, BACKUP]})
    blobs = LocalBlobStore(tmp_path / "blobs")
    runner = JobRunner(
        store=store,
        blobs=blobs,
        engines={"sandbox": engine},
        catalogue=seed_catalogue(),
        routing=routing,
        ingest=OutputIngest(blobs, http, max_bytes=10**8, timeout=30),
        owner="w1",
        job_timeout=job_timeout,
        workdir_root=tmp_path,
    )
    worker = Worker(
        store=store,
        engines={"sandbox": engine},
        routing=routing,
        runner=runner,
        owner="w1",
        config=config,
    )
    return worker, engine


async def submit(
    store: SqlStore, prompt: str, *, deployment: str = "primary", price: int = 100
) -> tuple[str, Job]:
    key = await store.create_key(new_key(credits=1000))
    job = new_job(key.id, price=price, deployment=deployment, prompt=prompt)
    return key.id, await store.create_job(job)


async def balance(store: SqlStore, key_id: str) -> int:
    key = await store.get_key(key_id)
    assert key is not None
    return key.balance


async def test_a_successful_job_is_stored_and_charged(
    store: SqlStore, setup: tuple[Worker, ScriptedEngine]
) -> None:
    worker, _ = setup
    key_id, job = await submit(store, "ok")
    await worker.drain()
    done = await store.get_job(job.id)
    assert done is not None and done.status is JobStatus.SUCCEEDED
    assert done.result is not None and (done.result.frames, done.result.width) == (8, 16)
    assert await balance(store, key_id) == 900


async def test_a_refused_job_fails_with_its_error_name_and_is_refunded(
    store: SqlStore, setup: tuple[Worker, ScriptedEngine]
) -> None:
    worker, engine = setup
    engine.plan["bad"] = "refuse"
    key_id, job = await submit(store, "bad")
    await worker.drain()
    done = await store.get_job(job.id)
    assert done is not None and done.status is JobStatus.FAILED
    assert done.error is not None and done.error.name == "content_refused"
    assert await balance(store, key_id) == 1000


async def test_a_vendor_that_never_accepted_hands_the_job_to_the_next_deployment(
    store: SqlStore, setup: tuple[Worker, ScriptedEngine]
) -> None:
    worker, engine = setup
    engine.plan["down"] = "unavailable"
    _, job = await submit(store, "down")
    await worker.drain()
    done = await store.get_job(job.id)
    assert done is not None
    assert len(engine.runs) == 2
    assert done.deployment == "backup" and done.status is JobStatus.FAILED
    assert done.error is not None and done.error.name == "vendor_unavailable"


async def test_cancelling_a_running_job_stops_the_engine_and_refunds(
    store: SqlStore, setup: tuple[Worker, ScriptedEngine]
) -> None:
    worker, engine = setup
    engine.plan["slow"] = "hang"
    key_id, job = await submit(store, "slow")
    draining = asyncio.create_task(worker.drain())
    while not engine.runs:
        await asyncio.sleep(0.01)
    assert await store.cancel_queued(job.id, key_id) is None
    await store.request_cancel(job.id, key_id)
    await worker.cancel(job.id)
    await draining
    done = await store.get_job(job.id)
    assert done is not None and done.status is JobStatus.CANCELLED
    assert engine.cancels == [job.id]
    assert await balance(store, key_id) == 1000


async def test_cancelling_after_the_vendor_accepted_follows_its_billing_rule(
    store: SqlStore, setup: tuple[Worker, ScriptedEngine]
) -> None:
    worker, engine = setup
    engine.plan["billed"] = "submit-then-hang"
    engine.bills_on_cancel = True
    key_id, job = await submit(store, "billed")
    draining = asyncio.create_task(worker.drain())
    while not (await store.get_job(job.id)).upstream:  # type: ignore[union-attr]
        await asyncio.sleep(0.01)
    await worker.cancel(job.id)
    await draining
    done = await store.get_job(job.id)
    assert done is not None and done.status is JobStatus.CANCELLED and not done.refunded
    assert await balance(store, key_id) == 900


async def test_a_job_past_its_deadline_fails_with_a_refund(
    store: SqlStore, setup: tuple[Worker, ScriptedEngine]
) -> None:
    worker, engine = setup
    engine.plan["forever"] = "hang"
    key_id, job = await submit(store, "forever")
    await worker.drain(within=30)
    done = await store.get_job(job.id)
    assert done is not None and done.status is JobStatus.FAILED
    assert done.error is not None and done.error.name == "timeout"
    assert await balance(store, key_id) == 1000
    assert engine.cancels == [job.id]  # the vendor was told to stop at the deadline


async def test_more_queued_jobs_than_a_claim_takes_are_claimed_in_batches_at_once(
    store: SqlStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "CLAIM_BATCH", 2)
    async with httpx.AsyncClient() as http:
        # A claim interval and deadlines far beyond the test: only claiming again after a
        # full batch can start every job in time.
        config = WorkerConfig(claim_interval=600, sandbox_slots=10)
        worker, engine = scripted_worker(store, tmp_path, http, config, job_timeout=600)
        for prompt in ("a", "b", "c", "d", "e"):
            engine.plan[prompt] = "hang"
            await submit(store, prompt)
            await submit(store, prompt, deployment="backup")
        running = asyncio.create_task(worker.run())
        try:
            async with asyncio.timeout(10):
                while len(engine.runs) < 10:
                    await asyncio.sleep(0.01)
            first_claims = [await worker.claim_once() for _ in range(2)]
        finally:
            await worker.stop(grace=0.1)
            running.cancel()

    assert len(set(engine.runs)) == 10
    assert first_claims == [0, 0]


async def test_one_claim_takes_at_most_a_batch_per_deployment(
    store: SqlStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "CLAIM_BATCH", 2)
    async with httpx.AsyncClient() as http:
        worker, engine = scripted_worker(store, tmp_path, http, WorkerConfig(sandbox_slots=10))
        for prompt in ("a", "b", "c"):
            engine.plan[prompt] = "hang"
            await submit(store, prompt)
            await submit(store, prompt, deployment="backup")
        try:
            claims = [await worker.claim_once() for _ in range(3)]
        finally:
            await worker.stop(grace=0.1)

    assert claims == [4, 2, 0]


async def test_graceful_stop_hands_unfinished_jobs_back(
    store: SqlStore, setup: tuple[Worker, ScriptedEngine]
) -> None:
    worker, engine = setup
    engine.plan["slow"] = "hang"
    _, job = await submit(store, "slow")
    running = asyncio.create_task(worker.run())
    while not engine.runs:
        await asyncio.sleep(0.01)
    await worker.stop(grace=0.1)
    await running
    again = await store.get_job(job.id)
    assert again is not None and again.status.is_terminal is False
    assert again.attempts == 0
    [claimed] = await store.claim("w2", [ClaimRequest("primary", 1)], 30)
    assert claimed.id == job.id


async def test_the_sandbox_deployment_is_always_served(
    store: SqlStore, setup: tuple[Worker, ScriptedEngine]
) -> None:
    worker, _ = setup
    _, job = await submit(store, "ok", deployment=SANDBOX.name, price=0)
    await worker.drain()
    assert (await store.get_job(job.id)).status is JobStatus.SUCCEEDED  # type: ignore[union-attr]
