"""The Google Veo 2 engine: one long-running operation per job, on the Gemini API or Vertex AI.

The create call returns an operation name, which is the task id; polls read ``done`` and
then either the samples, an ``error``, or a responsible-AI filter count. Veo reports no
progress, so a running operation is reported as ``running`` without a percentage. Google's
samples poll Gemini every 10 s and Vertex every 15 s (``policy_for``).

Veo has no documented way to cancel a video operation on either surface: a cancelled job
keeps running at Google and is billed.

Inline results (Vertex without ``storage_uri``, or ``encodedVideo`` on Gemini) are written
to the job's workdir (``TaskContext.workdir``) and handed over as ``LocalVideo``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from vidgate.domain.errors import GenerationError, OutputInvalid, UpstreamLost
from vidgate.engines.answers import json_object, unnamed_task, unreadable
from vidgate.engines.google.errors import error_for_operation, error_for_response, refused
from vidgate.engines.google.mapping import DEFAULT_MODEL, build_request
from vidgate.engines.google.operations import GeneratedVideo, Operation, read_operation
from vidgate.engines.google.options import GoogleOptions
from vidgate.engines.google.surfaces import Surface, surface_for
from vidgate.engines.options import vendor_model_name
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import EngineJob, EngineOutput, LocalVideo
from vidgate.engines.remote import RemoteTaskEngine, TaskContext, TaskSnapshot

INLINE_VIDEO_NAME = "veo-output.mp4"
# Vertex's samples poll every 15 s where Gemini's poll every 10 s (``default_policy``).
VERTEX_INTERVAL_FACTOR = 1.5


class GoogleEngine(RemoteTaskEngine):
    name = "google"
    # A Veo 2 video takes ~11 s to ~6 min.
    default_policy: ClassVar[PollPolicy] = PollPolicy(
        interval=10.0, min_interval=5.0, timeout=30 * 60.0
    )
    options_type = GoogleOptions

    def policy_for(self, job: EngineJob) -> PollPolicy:
        if GoogleOptions.for_job(job).surface == "gemini":
            return self.policy
        return dataclasses.replace(
            self.policy, interval=self.policy.interval * VERTEX_INTERVAL_FACTOR
        )

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        surface = self._surface(job)
        model = vendor_model_name(job, DEFAULT_MODEL, engine=self.name)
        body = build_request(job, surface.options)
        url = surface.create_url(model)
        response = await self.send("POST", url, creates=True, json=body, headers=surface.headers())
        if not response.is_success:
            raise error_for_response(response)
        operation = read_operation(json_object(response))
        if operation is None:
            raise unnamed_task(self.name, response, what="operation")
        return {"task_id": operation.name, "surface": surface.options.surface, "model": model}

    async def poll(
        self, job: EngineJob, state: Mapping[str, Any], ctx: TaskContext
    ) -> TaskSnapshot:
        surface = self._surface(job)
        _check_same_surface(state, surface)
        call = surface.poll_call(str(state["task_id"]), str(state.get("model") or DEFAULT_MODEL))
        response = await self.send(call.method, call.url, json=call.json, headers=surface.headers())
        if not response.is_success:
            raise error_for_response(response)
        operation = read_operation(json_object(response))
        if operation is None:
            raise unreadable(self.name, response, creates=False, expected="an operation")
        return await _snapshot(surface, operation, ctx.workdir)

    def _surface(self, job: EngineJob) -> Surface:
        return surface_for(GoogleOptions.for_job(job), job.deployment.credentials)


async def _snapshot(surface: Surface, op: Operation, workdir: Path) -> TaskSnapshot:
    if not op.done:
        return TaskSnapshot("running", vendor_status="running")
    if op.error is not None:
        return _failed(error_for_operation(op.name, op.error))
    if op.videos:
        output = await _output(surface, op.videos[0], workdir)
        return TaskSnapshot("succeeded", 100, "done", output=output)
    if op.filtered_count > 0:
        return _failed(refused(op.name, op.filtered_count, op.filtered_reasons))
    return _failed(OutputInvalid(f"google operation {op.name} finished without a video"))


async def _output(surface: Surface, video: GeneratedVideo, workdir: Path) -> EngineOutput:
    remote = surface.remote_video(video)
    if remote is not None:
        return remote
    return await _save_inline(video, workdir)


async def _save_inline(video: GeneratedVideo, workdir: Path) -> LocalVideo:
    try:
        data = base64.b64decode(video.inline_base64 or "", validate=True)
    except binascii.Error as exc:
        raise OutputInvalid(
            f"google returned inline video bytes that are not base64: {exc}"
        ) from exc
    path = workdir / INLINE_VIDEO_NAME
    await asyncio.to_thread(path.write_bytes, data)
    return LocalVideo(path)


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
