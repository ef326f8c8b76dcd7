"""The Alibaba Cloud DashScope engine for Wan 2.1 text-to-video.

Create is ``POST /api/v1/services/aigc/video-generation/video-synthesis`` with
``X-DashScope-Async: enable`` (without it DashScope refuses the call); the task is polled at
``GET /api/v1/tasks/{id}`` until SUCCEEDED, and ``video_url`` is a signed OSS link (24 h)
that needs no auth. A PENDING task can be cancelled at ``POST /api/v1/tasks/{id}/cancel``;
once RUNNING, DashScope refuses and the task is billed.

Wan 2.1 allows 2 task submissions per second and 2 concurrent tasks per account (shared by
its RAM users): set the deployment's ``max_concurrency`` to 2 or less.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from vidgate.domain.errors import GenerationError
from vidgate.engines.alibaba.errors import error_for_code
from vidgate.engines.alibaba.mapping import build_request
from vidgate.engines.alibaba.options import AlibabaOptions
from vidgate.engines.alibaba.tasks import error_code, snapshot_for, task_output
from vidgate.engines.answers import (
    error_for_status,
    json_object,
    retry_after,
    unnamed_task,
    unreadable,
)
from vidgate.engines.credentials import bearer, credential
from vidgate.engines.options import vendor_model_name
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import EngineJob
from vidgate.engines.remote import RemoteTaskEngine, TaskContext, TaskSnapshot

SYNTHESIS_PATH = "/api/v1/services/aigc/video-generation/video-synthesis"


class AlibabaEngine(RemoteTaskEngine):
    name = "alibaba"
    # Alibaba's docs advise polling every 15 s (the SDK's own loop goes 1 s → 5 s, which is
    # the floor kept here); a Wan 2.1 task takes about 1-5 min, longer when queued.
    default_policy: ClassVar[PollPolicy] = PollPolicy(
        interval=15.0, min_interval=5.0, timeout=60 * 60.0
    )
    options_type = AlibabaOptions
    required_credentials = ("api_key",)

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        options = AlibabaOptions.for_job(job)
        model = vendor_model_name(job, options.default_model, engine=self.name)
        body = build_request(job, model=model, resolution=options.resolution)
        headers = self._headers(job, options) | {"X-DashScope-Async": "enable"}
        url = options.base_url + SYNTHESIS_PATH
        response = await self.send("POST", url, creates=True, json=body, headers=headers)
        answer = json_object(response)
        if not response.is_success or error_code(answer):
            raise self._error(response, answer, options)
        task_id = task_output(answer).get("task_id")
        if not isinstance(task_id, str) or not task_id:
            raise unnamed_task(self.name, response, what="task_id")
        return {"task_id": task_id, "model": model, "request_id": _request_id(answer)}

    async def poll(
        self, job: EngineJob, state: Mapping[str, Any], ctx: TaskContext
    ) -> TaskSnapshot:
        options = AlibabaOptions.for_job(job)
        url = f"{options.base_url}/api/v1/tasks/{state['task_id']}"
        response = await self.send("GET", url, headers=self._headers(job, options))
        answer = json_object(response)
        if response.is_success and answer is None:
            raise unreadable(self.name, response, creates=False)
        if not response.is_success or error_code(answer):
            raise self._error(response, answer, options)
        return snapshot_for(task_output(answer))

    async def cancel_task(self, job: EngineJob, state: Mapping[str, Any]) -> bool:
        """Only a PENDING task can be cancelled (then nothing is billed); DashScope refuses
        the call for a task already RUNNING, which runs to its end and is billed."""
        options = AlibabaOptions.for_job(job)
        url = f"{options.base_url}/api/v1/tasks/{state['task_id']}/cancel"
        response = await self.send("POST", url, headers=self._headers(job, options))
        return not response.is_success or error_code(json_object(response)) is not None

    def _error(
        self,
        response: httpx.Response,
        answer: Mapping[str, Any] | None,
        options: AlibabaOptions,
    ) -> GenerationError:
        code = error_code(answer) or ""
        message = str((answer or {}).get("message") or "")
        known = error_for_code(
            code,
            message,
            http_status=response.status_code,
            retry_after=retry_after(response),
            region=options.region,
        )
        detail = f"{code or 'no code'}: {message or response.text[:200] or 'no body'}"
        return known or error_for_status(self.name, response, detail)

    def _headers(self, job: EngineJob, options: AlibabaOptions) -> dict[str, str]:
        headers = bearer(credential(job.deployment, self.name, "api_key"))
        if options.workspace:
            headers["X-DashScope-WorkSpace"] = options.workspace
        return headers


def _request_id(answer: Mapping[str, Any] | None) -> str | None:
    value = (answer or {}).get("request_id")
    return value if isinstance(value, str) else None
