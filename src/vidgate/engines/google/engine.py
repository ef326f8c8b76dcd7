"""The Google Veo 2 engine: one long-running operation per job, on the Gemini API or Vertex AI.

The create call returns an operation name, which is the task id; polls read ``done`` and
then either the samples, an ``error``, or a responsible-AI filter count. Veo reports no
progress, so a running operation is reported as ``running`` without a percentage.

Veo has no documented way to cancel a video operation on either surface: a cancelled job
keeps running at Google and is billed.

Inline results (Vertex without ``storage_uri``, or ``encodedVideo`` on Gemini) are written
to the job's workdir and handed over as ``LocalVideo``. ``poll`` gets no ``EngineContext``,
so ``run`` keeps each running job's workdir in ``_workdirs`` for the poll that finds them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import httpx

from vidgate.domain.errors import (
    GenerationError,
    InternalError,
    OutputInvalid,
    UpstreamLost,
    UpstreamUnavailable,
)
from vidgate.engines.google.errors import error_for_operation, error_for_response, refused
from vidgate.engines.google.mapping import DEFAULT_MODEL, build_request
from vidgate.engines.google.operations import GeneratedVideo, Operation, read_operation
from vidgate.engines.google.options import GoogleOptions, InvalidOptions
from vidgate.engines.google.surfaces import Surface, surface_for
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import (
    Deployment,
    EngineContext,
    EngineJob,
    EngineOutput,
    LocalVideo,
    Readiness,
)
from vidgate.engines.remote import RemoteTaskEngine, Sleep, TaskSnapshot

INLINE_VIDEO_NAME = "veo-output.mp4"


class GoogleEngine(RemoteTaskEngine):
    name = "google"
    # Google's samples poll every 10 s (Vertex's every 15 s; one policy serves both until the
    # shared loop can take a policy per deployment). A Veo 2 video takes ~11 s to ~6 min.
    default_policy: ClassVar[PollPolicy] = PollPolicy(
        interval=10.0, min_interval=5.0, timeout=30 * 60.0
    )

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        policy: PollPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(http, policy=policy, sleep=sleep, clock=clock)
        self._workdirs: dict[str, Path] = {}

    def readiness(self, deployment: Deployment) -> Readiness:
        try:
            options = GoogleOptions.of(deployment)
        except InvalidOptions as exc:
            return Readiness(False, str(exc))
        if not deployment.credentials.get(options.credential):
            return Readiness(False, f"missing credentials: {options.credential}")
        return Readiness(True)

    async def run(self, job: EngineJob, ctx: EngineContext) -> EngineOutput:
        self._workdirs[job.id] = ctx.workdir
        try:
            return await super().run(job, ctx)
        finally:
            self._workdirs.pop(job.id, None)

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        surface = self._surface(job)
        model = self._model(job)
        body = build_request(job, surface.options)
        url = surface.create_url(model)
        response = await self.send("POST", url, creates=True, json=body, headers=surface.headers())
        if not response.is_success:
            raise error_for_response(response)
        operation = read_operation(_json(response))
        if operation is None:
            raise UpstreamLost(
                f"google accepted the create call (HTTP {response.status_code}) but named no "
                f"operation ({response.text[:200]!r}); not sent again"
            )
        return {"task_id": operation.name, "surface": surface.options.surface, "model": model}

    async def poll(self, job: EngineJob, state: Mapping[str, Any]) -> TaskSnapshot:
        surface = self._surface(job)
        _check_same_surface(state, surface)
        call = surface.poll_call(str(state["task_id"]), str(state.get("model") or DEFAULT_MODEL))
        response = await self.send(call.method, call.url, json=call.json, headers=surface.headers())
        if not response.is_success:
            raise error_for_response(response)
        operation = read_operation(_json(response))
        if operation is None:
            raise UpstreamUnavailable(
                f"google answered a poll without an operation: {response.text[:200]!r}"
            )
        return await self._snapshot(job, surface, operation)

    async def cancel_task(self, job: EngineJob, state: Mapping[str, Any]) -> bool:
        """Veo documents no cancel call: the operation runs to its end and is billed."""
        return True

    async def _snapshot(self, job: EngineJob, surface: Surface, op: Operation) -> TaskSnapshot:
        if not op.done:
            return TaskSnapshot("running", vendor_status="running")
        if op.error is not None:
            return _failed(error_for_operation(op.name, op.error))
        if op.videos:
            output = await self._output(job, surface, op.videos[0])
            return TaskSnapshot("succeeded", 100, "done", output=output)
        if op.filtered_count > 0:
            return _failed(refused(op.name, op.filtered_count, op.filtered_reasons))
        return _failed(OutputInvalid(f"google operation {op.name} finished without a video"))

    async def _output(
        self, job: EngineJob, surface: Surface, video: GeneratedVideo
    ) -> EngineOutput:
        remote = surface.remote_video(video)
        if remote is not None:
            return remote
        return await self._save_inline(job, video)

    async def _save_inline(self, job: EngineJob, video: GeneratedVideo) -> LocalVideo:
        workdir = self._workdirs.get(job.id)
        if workdir is None:
            raise InternalError("google returned the video inline outside of run()")
        try:
            data = base64.b64decode(video.inline_base64 or "", validate=True)
        except binascii.Error as exc:
            raise OutputInvalid(
                f"google returned inline video bytes that are not base64: {exc}"
            ) from exc
        path = workdir / INLINE_VIDEO_NAME
        await asyncio.to_thread(path.write_bytes, data)
        return LocalVideo(path)

    def _surface(self, job: EngineJob) -> Surface:
        try:
            options = GoogleOptions.of(job.deployment)
        except InvalidOptions as exc:
            raise InternalError(
                f"deployment {job.deployment.name!r} is misconfigured: {exc}"
            ) from exc
        return surface_for(options, job.deployment.credentials)

    def _model(self, job: EngineJob) -> str:
        return job.deployment.vendor_model_for(job.model.id) or DEFAULT_MODEL


def _check_same_surface(state: Mapping[str, Any], surface: Surface) -> None:
    """An operation can only be polled on the surface that created it."""
    created_on = state.get("surface", surface.options.surface)
    if created_on != surface.options.surface:
        raise UpstreamLost(
            f"google operation {state['task_id']} was created on the {created_on} surface but "
            f"the deployment now uses {surface.options.surface}; it cannot be followed"
        )


def _failed(error: GenerationError) -> TaskSnapshot:
    return TaskSnapshot("failed", vendor_status="done", error=error)


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
