"""The Runway engine: create on image_to_video, poll /v1/tasks/{id}, DELETE it to cancel.

Runway follows HTTP semantics (``errors.py``); a task's own failure arrives as ``FAILED`` with
a ``failureCode`` in an HTTP 200 answer (``responses.py``). Output URLs are signed and expire
within a day or two; the worker copies the video as soon as the task succeeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from vidgate.domain.errors import UpstreamLost, UpstreamUnavailable
from vidgate.engines.answers import json_object, unnamed_task
from vidgate.engines.credentials import bearer, credential
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import EngineJob
from vidgate.engines.remote import RemoteTaskEngine, TaskContext, TaskSnapshot
from vidgate.engines.runway.errors import error_for_response
from vidgate.engines.runway.mapping import build_request, vendor_model
from vidgate.engines.runway.options import RunwayOptions
from vidgate.engines.runway.responses import snapshot_for

API_VERSION = "2024-11-06"
# Runway bills a task once it has started; cancelling one that is still waiting costs nothing.
NOT_STARTED = frozenset({"PENDING", "THROTTLED"})


class RunwayEngine(RemoteTaskEngine):
    name = "runway"
    # Runway: expect no update more often than every 5 s; its SDK waits 6 s ± 1.5 s. A task
    # parked in THROTTLED waits for the account's concurrency slot, hence the hour.
    default_policy: ClassVar[PollPolicy] = PollPolicy(
        interval=6.0, min_interval=5.0, jitter=0.25, timeout=60 * 60.0
    )
    options_type = RunwayOptions
    required_credentials = ("api_key",)

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        options = RunwayOptions.for_job(job)
        model = vendor_model(job)
        body = build_request(job, model=model, send_watermark=options.send_watermark)
        response = await self._call(job, "POST", "/v1/image_to_video", creates=True, json=body)
        if not response.is_success:
            raise error_for_response(response)
        task_id = (json_object(response) or {}).get("id")
        if not isinstance(task_id, str) or not task_id:
            raise unnamed_task(self.name, response)
        return {"task_id": task_id, "model": model}

    async def poll(
        self, job: EngineJob, state: Mapping[str, Any], ctx: TaskContext
    ) -> TaskSnapshot:
        return await self._task(job, str(state["task_id"]))

    async def cancel_task(self, job: EngineJob, state: Mapping[str, Any]) -> bool:
        """Stop a waiting or running task; True when Runway bills it (it had started)."""
        snapshot = await self._task(job, str(state["task_id"]))
        if snapshot.phase in ("succeeded", "failed"):
            return snapshot.phase == "succeeded"
        response = await self._call(job, "DELETE", f"/v1/tasks/{state['task_id']}")
        if not response.is_success and response.status_code != 404:
            raise error_for_response(response)
        return snapshot.vendor_status not in NOT_STARTED

    async def _task(self, job: EngineJob, task_id: str) -> TaskSnapshot:
        response = await self._call(job, "GET", f"/v1/tasks/{task_id}")
        if response.status_code == 404:
            raise UpstreamLost(
                f"runway no longer knows task {task_id} (HTTP 404: deleted, or created with "
                "another key)"
            )
        if not response.is_success:
            raise error_for_response(response)
        task = json_object(response)
        if not task:
            raise UpstreamUnavailable(f"runway answered task {task_id} without a task object")
        return snapshot_for(task, task_id)

    async def _call(
        self, job: EngineJob, method: str, path: str, *, creates: bool = False, **kwargs: Any
    ) -> httpx.Response:
        key = credential(job.deployment, self.name, "api_key")
        headers = bearer(key) | {"X-Runway-Version": API_VERSION}
        url = RunwayOptions.for_job(job).base_url + path
        return await self.send(method, url, creates=creates, headers=headers, **kwargs)
