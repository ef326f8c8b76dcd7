"""Running one claimed job: build the engine's view of it, run, store, end it once."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vidgate.blobs.protocol import BlobStore
from vidgate.domain.catalogue import Catalogue
from vidgate.domain.errors import (
    Cancelled,
    EngineUnavailable,
    GenerationError,
    GenerationTimeout,
    InternalError,
    VidgateError,
)
from vidgate.domain.jobs import Job, JobError, JobStatus
from vidgate.domain.routing import RoutingTable
from vidgate.engines.protocol import Engine, EngineJob, InputImage
from vidgate.store.protocol import Outcome, Store
from vidgate.worker.context import JobContext, LostLease
from vidgate.worker.outputs import OutputIngest

log = logging.getLogger("vidgate.worker")

StopReason = Literal["cancel", "shutdown", "timeout"]
FinishedHook = Callable[[Job], Awaitable[None]]


@dataclass
class RunningJob:
    job: Job
    ctx: JobContext | None = None
    engine_job: EngineJob | None = None
    engine_task: asyncio.Task[object] | None = None
    stop_reason: StopReason | None = None
    billed: bool = False
    expiry: asyncio.Task[None] | None = None


class JobRunner:
    def __init__(
        self,
        *,
        store: Store,
        blobs: BlobStore,
        engines: Mapping[str, Engine],
        catalogue: Catalogue,
        routing: RoutingTable,
        ingest: OutputIngest,
        owner: str,
        job_timeout: float,
        workdir_root: Path,
        on_finished: FinishedHook | None = None,
        on_change: Callable[[str], None] = lambda job_id: None,
    ) -> None:
        self._on_change = on_change

        self._store = store
        self._blobs = blobs
        self._engines = engines
        self._catalogue = catalogue
        self._routing = routing
        self._ingest = ingest
        self._owner = owner
        self._job_timeout = job_timeout
        self._workdir_root = workdir_root
        self._on_finished = on_finished

    async def execute(self, running: RunningJob) -> None:
        workdir = Path(tempfile.mkdtemp(prefix=f"{running.job.id}-", dir=self._workdir_root))
        running.ctx = JobContext(
            self._store, running.job, self._owner, workdir, on_change=self._on_change
        )

        try:
            outcome = await self._attempt(running)
            if outcome is not None:
                await self._finish(running.job, outcome)
        except LostLease:
            log.warning("job %s: lease lost to another worker; stopped", running.job.id)
        except Exception:  # the top-level job guard: a bug must still end the job
            log.exception("job %s: unexpected error", running.job.id)
            error = InternalError("vidgate hit an unexpected error; the credits were refunded")
            await self._finish(running.job, _failed(error))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    async def _finish(self, job: Job, outcome: Outcome) -> None:
        ended = await self._store.finish(job.id, self._owner, outcome)
        if ended is None:
            return
        self._on_change(ended.id)
        if self._on_finished is not None:
            await self._on_finished(ended)

    async def _attempt(self, running: RunningJob) -> Outcome | None:
        job = running.job
        assert running.ctx is not None
        spec = self._catalogue.get(job.model)
        engine = self._engines.get(job.engine)
        deployment = self._routing.deployment(job.deployment)
        if spec is None or engine is None or deployment is None:
            return _failed(
                EngineUnavailable(
                    f"this server no longer has engine {job.engine!r} / deployment "
                    f"{job.deployment!r} for {job.model!r}"
                )
            )
        running.engine_job = EngineJob(
            id=job.id,
            model=spec,
            params=job.params,
            images=await self._images(job),
            shape=job.shape,
            seed=job.seed or 0,
            deployment=deployment,
        )
        if job.cancel_requested or running.stop_reason == "cancel":
            billed = await engine.cancel(running.engine_job, job.upstream)
            return _cancelled_outcome(billed=billed)
        if running.stop_reason == "shutdown":
            raise asyncio.CancelledError
        return await self._run_engine(engine, running)

    async def _run_engine(self, engine: Engine, running: RunningJob) -> Outcome | None:
        assert running.ctx is not None and running.engine_job is not None
        remaining = running.job.created_at + self._job_timeout - time.time()
        task = asyncio.ensure_future(engine.run(running.engine_job, running.ctx))
        running.engine_task = task
        # One timer per job rather than ``asyncio.wait(timeout=)`` (its waiter, sets,
        # closure and two more coroutines): a worker follows thousands of jobs, and every
        # object they hold is walked again by each full run of the garbage collector.
        deadline = asyncio.get_running_loop().call_later(
            max(remaining, 0.0), _expire, engine, running
        )
        try:
            await _ended(task)
        finally:
            deadline.cancel()
        if running.stop_reason == "timeout":
            return await self._timed_out(running)
        if task.cancelled():
            if running.stop_reason == "cancel":
                return _cancelled_outcome(billed=running.billed)
            raise asyncio.CancelledError
        error = task.exception()
        if error is None:
            result = await self._ingest.store(running.job.id, task.result(), running.ctx.workdir)
            return Outcome(JobStatus.SUCCEEDED, refund=False, result=result)
        return await self._on_error(running, error)

    async def _timed_out(self, running: RunningJob) -> Outcome:
        expiry = running.expiry
        if expiry is not None:
            await _ended(expiry)
            if not expiry.cancelled() and expiry.exception() is not None:
                log.warning(
                    "job %s: telling the engine to stop at the deadline failed: %r",
                    running.job.id,
                    expiry.exception(),
                )
        return _failed(
            GenerationTimeout(f"the generation did not finish within {self._job_timeout:.0f} s")
        )

    async def _on_error(self, running: RunningJob, error: BaseException) -> Outcome | None:
        if isinstance(error, Cancelled) and running.stop_reason == "cancel":
            return _cancelled_outcome(billed=running.billed)
        if isinstance(error, LostLease):
            raise error
        if not isinstance(error, GenerationError):
            raise error
        if error.retryable and running.ctx is not None and running.ctx.upstream is None:
            rerouted = await self._reroute(running.job)
            if rerouted:
                return None
        return _failed(error)

    async def _reroute(self, job: Job) -> bool:
        """Hand a job the vendor never accepted to the next deployment of its route."""
        following = self._routing.next_after(job.model, job.deployment)
        if following is None:
            return False
        log.info("job %s: %s unavailable, trying %s", job.id, job.deployment, following.name)
        return await self._store.release(
            job.id, self._owner, deployment=following.name, engine=following.engine
        )

    async def _images(self, job: Job) -> dict[str, InputImage]:
        images = {}
        for stored in job.inputs:
            images[stored.field] = InputImage(
                field=stored.field,
                role=stored.role,  # type: ignore[arg-type]
                data=await self._blobs.get_bytes(stored.blob_key),
                mime=stored.mime,
                width=stored.width,
                height=stored.height,
                source_url=stored.source_url,
            )
        return images


async def request_stop(engine: Engine | None, running: RunningJob, reason: StopReason) -> None:
    """Stop a running job: for a cancel or a timeout, tell the engine first (it says whether
    the vendor still bills), then cancel the task running the engine."""
    if running.stop_reason is not None:
        return
    running.stop_reason = reason
    if running.ctx is not None:
        running.ctx.cancel_requested = True
    try:
        if reason != "shutdown" and engine is not None and running.engine_job is not None:
            upstream = running.ctx.upstream if running.ctx is not None else None
            running.billed = await engine.cancel(running.engine_job, upstream)
    finally:
        if running.engine_task is not None and not running.engine_task.done():
            running.engine_task.cancel()


async def _ended(task: asyncio.Task[object]) -> None:
    """Wait until ``task`` ends, however it ends (its result or error stays on it); if the
    caller is cancelled meanwhile, the task is cancelled with it."""
    try:
        await task
    except BaseException:
        caller = asyncio.current_task()
        if caller is not None and caller.cancelling():
            raise


def _expire(engine: Engine, running: RunningJob) -> None:
    """The job's deadline passed: stop it as a cancel would, and fail it."""
    if running.stop_reason is None:
        running.expiry = asyncio.ensure_future(request_stop(engine, running, "timeout"))


def _failed(error: VidgateError) -> Outcome:
    return Outcome(JobStatus.FAILED, refund=True, error=JobError(error.name, error.message))


def _cancelled_outcome(*, billed: bool) -> Outcome:
    message = "cancelled by the caller" + (
        "; the vendor had started it, so its price stands"
        if billed
        else "; the credits were refunded"
    )
    return Outcome(JobStatus.CANCELLED, refund=not billed, error=JobError("cancelled", message))
