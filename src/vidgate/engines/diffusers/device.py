"""One device: the child process that owns it, and a lock so it runs one job at a time.

Jobs that find the device busy report ``queued`` and wait their turn (asyncio's lock is
FIFO). The running job follows the child's messages; when the child dies, runs out of
memory or fails, the job fails and the child is replaced for the next job. A cancelled
job stops at the next denoising step; if the child does not stop within ``cancel_grace``
seconds (a long load or decode), it is killed instead.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable

from vidgate.domain.errors import Cancelled, EngineCrashed, GenerationError, InternalError
from vidgate.engines.diffusers import child_main as child_entry
from vidgate.engines.diffusers.messages import (
    Cancel,
    Done,
    Error,
    Output,
    Progress,
    Start,
)
from vidgate.engines.diffusers.process import ChildExited, ChildMain, ChildProcess, EventStream
from vidgate.engines.protocol import EngineContext

CancelCheck = Callable[[], bool]
Ending = Output | Error | ChildExited | None


class DeviceSlot:
    def __init__(
        self,
        device: str,
        *,
        poll_interval: float,
        cancel_grace: float,
        child_main: ChildMain = child_entry.serve,
    ) -> None:
        self.device = device
        self._child_main = child_main
        self._poll_interval = poll_interval
        self._cancel_grace = cancel_grace
        self._lock = asyncio.Lock()
        self._child: ChildProcess | None = None

    @property
    def child_pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    async def run(self, start: Start, ctx: EngineContext, cancelled: CancelCheck) -> Output:
        await self._acquire(ctx, cancelled)
        try:
            await ctx.report("running", 0)
            return await self._generate(start, ctx, cancelled)
        finally:
            self._lock.release()

    async def close(self) -> None:
        if self._child is not None:
            child, self._child = self._child, None
            await child.stop()

    async def _acquire(self, ctx: EngineContext, cancelled: CancelCheck) -> None:
        if not self._lock.locked():
            await self._lock.acquire()  # free: taken at once, without yielding
            return
        await ctx.report("queued")
        acquiring = asyncio.ensure_future(self._lock.acquire())
        try:
            while not acquiring.done():
                await asyncio.wait({acquiring}, timeout=self._poll_interval)
                if not acquiring.done() and cancelled():
                    raise Cancelled("the generation was cancelled while waiting for the device")
        except BaseException:
            if not acquiring.cancel() and not acquiring.cancelled():
                self._lock.release()  # acquired just as we gave up
            raise

    async def _generate(self, start: Start, ctx: EngineContext, cancelled: CancelCheck) -> Output:
        child = await self._ready_child()
        try:
            with child.events() as events:
                child.send(start)
                ending = await self._follow(child, events, start.job_id, ctx, cancelled)
        except BaseException:
            await self._discard_child()  # we no longer know what the child is doing
            raise
        return await self._conclude(ending)

    async def _follow(
        self,
        child: ChildProcess,
        events: EventStream,
        job_id: str,
        ctx: EngineContext,
        cancelled: CancelCheck,
    ) -> Ending:
        ending: Ending = None
        cancel_sent_at: float | None = None
        while True:
            event = await events.next(self._poll_interval)
            if cancel_sent_at is None and cancelled():
                child.send(Cancel(job_id))
                cancel_sent_at = time.monotonic()
            if isinstance(event, ChildExited):
                return event
            if cancel_sent_at is not None and self._grace_over(cancel_sent_at):
                await self._discard_child()
                return Error(job_id, "cancelled", "the generation was cancelled (process stopped)")
            if event is None or event.job_id != job_id:
                continue
            if isinstance(event, Progress):
                await ctx.report("running", min(99, event.step * 100 // event.total_steps))
            elif isinstance(event, Output | Error):
                ending = event
            elif isinstance(event, Done):
                return ending

    def _grace_over(self, cancel_sent_at: float) -> bool:
        return time.monotonic() - cancel_sent_at > self._cancel_grace

    async def _conclude(self, ending: Ending) -> Output:
        if isinstance(ending, Output):
            return ending
        if isinstance(ending, ChildExited):
            raise await self._crash_error()
        if ending is None:
            await self._discard_child()
            raise InternalError("the generation process ended a job without a result")
        if ending.kind != "cancelled":
            await self._discard_child()
        raise self._error_for(ending)

    def _error_for(self, error: Error) -> GenerationError:
        if error.kind == "cancelled":
            return Cancelled(error.message)
        if error.kind == "out_of_memory":
            return EngineCrashed(
                f"out of memory on {self.device}: {error.message}. Try the cpu_offload, "
                "vae_tiling or offload_text_encoder settings (docs/local-engine.md)"
            )
        if error.kind == "load_failed":
            return EngineCrashed(error.message)
        return InternalError(f"the local pipeline failed: {error.message}")

    async def _crash_error(self) -> EngineCrashed:
        child, self._child = self._child, None
        code = await child.reap() if child is not None else None
        return EngineCrashed(
            f"the generation process on {self.device} died ({_describe_exit(code)}); "
            "it is restarted for the next job"
        )

    async def _ready_child(self) -> ChildProcess:
        if self._child is not None and not self._child.is_alive():
            await self._discard_child()
        if self._child is None:
            name = f"vidgate-diffusers-{self.device}"
            self._child = ChildProcess.spawn(name, self._child_main)
        return self._child

    async def _discard_child(self) -> None:
        if self._child is not None:
            child, self._child = self._child, None
            await child.kill()


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "exit code unknown"
    if code >= 0:
        return f"exit code {code}"
    if -code == signal.SIGKILL:
        return "killed by SIGKILL, often the system running out of memory"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"killed by signal {-code}"
