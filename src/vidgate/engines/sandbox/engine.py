"""The sandbox engine: every model, at no cost, as a real H.264 MP4 rendered on the CPU.

A job waits ``queue_seconds`` as "queued", then runs for at least ``run_seconds`` while
the clip renders in a worker thread, reporting progress up to ``PROGRESS_CEILING``.
Cancelling is checked between slices of waiting and between rendered frames.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from vidgate.domain.errors import Cancelled
from vidgate.engines.protocol import (
    Deployment,
    EngineContext,
    EngineJob,
    EngineOutput,
    LocalVideo,
    Readiness,
)
from vidgate.engines.sandbox.camera import camera_from_params
from vidgate.engines.sandbox.failures import planned_failure
from vidgate.engines.sandbox.requests import RenderCap, RenderRequest

Sleep = Callable[[float], Awaitable[None]]

OUTPUT_NAME = "output.mp4"
PROGRESS_CEILING = 90
SLICE_SECONDS = 0.25
RENDER_POLL_SECONDS = 0.1


class SandboxEngine:
    name = "sandbox"

    def __init__(
        self,
        *,
        queue_seconds: float = 1.0,
        run_seconds: float = 3.0,
        failure_rate: float = 0.0,
        render_cap: RenderCap | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if queue_seconds < 0 or run_seconds < 0:
            raise ValueError("queue_seconds and run_seconds cannot be negative")
        if not 0 <= failure_rate <= 1:
            raise ValueError(f"failure_rate must be between 0 and 1, not {failure_rate}")
        self._queue_seconds = queue_seconds
        self._run_seconds = run_seconds
        self._failure_rate = failure_rate
        self._render_cap = render_cap
        self._sleep = sleep

    def readiness(self, deployment: Deployment) -> Readiness:
        return Readiness(True)

    async def run(self, job: EngineJob, ctx: EngineContext) -> EngineOutput:
        failure = planned_failure(job.id, _prompt(job), self._failure_rate)
        await ctx.report("queued", 0)
        await self._wait_in_queue(ctx)
        await ctx.report("running", 0)
        if failure is not None:
            await self._run_clock(ctx, self._run_seconds / 2, PROGRESS_CEILING // 2)
            raise failure
        request = render_request(job)
        if self._render_cap is not None:
            request = self._render_cap.apply(request)
        return LocalVideo(await self._render(request, ctx))

    async def cancel(self, job: EngineJob, upstream: Mapping[str, Any] | None) -> bool:
        """Nothing runs anywhere else and nobody bills the sandbox."""
        return False

    async def _render(self, request: RenderRequest, ctx: EngineContext) -> Path:
        from vidgate.engines.sandbox.render import render_video  # PyAV and numpy: see requests

        path = ctx.workdir / OUTPUT_NAME
        stop = threading.Event()
        rendering = asyncio.ensure_future(
            asyncio.to_thread(render_video, request, path, stop.is_set)
        )
        rendering.add_done_callback(_mark_retrieved)
        try:
            await self._run_clock(ctx, self._run_seconds, PROGRESS_CEILING)
            await _until_done(rendering, ctx)
        finally:
            if not rendering.done():
                # The thread stops at its next frame; it must not outlive the job, since
                # the worker removes the workdir it writes into.
                stop.set()
                await asyncio.wait({rendering})
        rendering.result()
        return path

    async def _wait_in_queue(self, ctx: EngineContext) -> None:
        async for _ in self._pass_time(ctx, self._queue_seconds):
            pass

    async def _run_clock(self, ctx: EngineContext, seconds: float, ceiling: int) -> None:
        async for fraction in self._pass_time(ctx, seconds):
            await ctx.report("running", round(ceiling * fraction))

    async def _pass_time(self, ctx: EngineContext, seconds: float) -> AsyncIterator[float]:
        """Sleep ``seconds`` in short slices, yielding the fraction gone after each one."""
        _check_cancel(ctx)
        slices = math.ceil(seconds / SLICE_SECONDS)
        for index in range(1, slices + 1):
            await self._sleep(seconds / slices)
            _check_cancel(ctx)
            yield index / slices


def render_request(job: EngineJob) -> RenderRequest:
    """What to render for ``job``: its shape, seed, prompt, images and camera move."""
    first, last = job.image("first_frame"), job.image("last_frame")
    return RenderRequest(
        width=job.shape.width,
        height=job.shape.height,
        fps=job.shape.fps,
        frames=job.shape.frames,
        seed=job.seed,
        prompt=_prompt(job),
        first_frame=first.data if first is not None else None,
        last_frame=last.data if last is not None else None,
        camera=camera_from_params(job.params),
    )


async def _until_done(rendering: asyncio.Future[int], ctx: EngineContext) -> None:
    while not rendering.done():
        await asyncio.wait({rendering}, timeout=RENDER_POLL_SECONDS)
        _check_cancel(ctx)


def _check_cancel(ctx: EngineContext) -> None:
    if ctx.cancel_requested:
        raise Cancelled("the generation was cancelled")


def _prompt(job: EngineJob) -> str:
    prompt = job.params.get("prompt")
    return prompt if isinstance(prompt, str) else ""


def _mark_retrieved(rendering: asyncio.Future[int]) -> None:
    # A render stopped by a cancel ends in RenderStopped, which nobody awaits; reading it
    # here keeps asyncio from logging it as an exception that was never retrieved.
    if not rendering.cancelled():
        rendering.exception()
