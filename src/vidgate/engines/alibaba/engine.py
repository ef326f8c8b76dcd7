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

from vidgate.domain.errors import (
    GenerationError,
    InternalError,
    UpstreamLost,
    UpstreamUnavailable,
)
from vidgate.engines.alibaba.errors import error_for_code
from vidgate.engines.alibaba.mapping import build_request
from vidgate.engines.alibaba.options import AlibabaOptions, InvalidOptions
from vidgate.engines.alibaba.tasks import error_code, json_body, snapshot_for, task_output
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import Deployment, EngineJob, Readiness
from vidgate.engines.remote import (
    RemoteTaskEngine,
    TaskSnapshot,
    error_for_status,
    retry_after,
)

SYNTHESIS_PATH = "/api/v1/services/aigc/video-generation/video-synthesis"


class AlibabaEngine(RemoteTaskEngine):
    name = "alibaba"
    # Alibaba's docs advise polling every 15 s (the SDK's own loop goes 1 s → 5 s, which is
    # the floor kept here); a Wan 2.1 task takes about 1-5 min, longer when queued.
    default_policy: ClassVar[PollPolicy] = PollPolicy(
        interval=15.0, min_interval=5.0, timeout=60 * 60.0
    )
    required_credentials = ("api_key",)

    def readiness(self, deployment: Deployment) -> Readiness:
        ready = super().readiness(deployment)
        if not ready.ready:
            return ready
        try:
            AlibabaOptions.of(deployment)
        except InvalidOptions as exc:
            return Readiness(False, str(exc))
        return ready

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        options = self._options(job)
        model = job.deployment.vendor_model_for(job.model.id) or options.default_model
        body = build_request(job, model=model, resolution=options.resolution)
        headers = self._headers(job, options) | {"X-DashScope-Async": "enable"}
        url = options.base_url + SYNTHESIS_PATH
        response = await self.send("POST", url, creates=True, json=body, headers=headers)
        answer = json_body(response)
        if not response.is_success or error_code(answer):
            raise self._error(response, answer, options)
        task_id = task_output(answer).get("task_id")
        if not isinstance(task_id, str) or not task_id:
            raise UpstreamLost(
                f"alibaba accepted the create call (HTTP {response.status_code}) but named no "
                f"task_id ({response.text[:200]!r}); not sent again"
            )
        return {"task_id": task_id, "model": model, "request_id": _request_id(answer)}

    async def poll(self, job: EngineJob, state: Mapping[str, Any]) -> TaskSnapshot:
        options = self._options(job)
        url = f"{options.base_url}/api/v1/tasks/{state['task_id']}"
        response = await self.send("GET", url, headers=self._headers(job, options))
        answer = json_body(response)
        if response.is_success and answer is None:
            raise UpstreamUnavailable(
                f"alibaba answered a poll without JSON: {response.text[:200]!r}"
            )
        if not response.is_success or error_code(answer):
            raise self._error(response, answer, options)
        return snapshot_for(task_output(answer))

    async def cancel_task(self, job: EngineJob, state: Mapping[str, Any]) -> bool:
        """Only a PENDING task can be cancelled (then nothing is billed); DashScope refuses
        the call for a task already RUNNING, which runs to its end and is billed."""
        options = self._options(job)
        url = f"{options.base_url}/api/v1/tasks/{state['task_id']}/cancel"
        response = await self.send("POST", url, headers=self._headers(job, options))
        return not response.is_success or error_code(json_body(response)) is not None

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
        headers = {"Authorization": f"Bearer {job.deployment.credentials.get('api_key', '')}"}
        if options.workspace:
            headers["X-DashScope-WorkSpace"] = options.workspace
        return headers

    def _options(self, job: EngineJob) -> AlibabaOptions:
        try:
            return AlibabaOptions.of(job.deployment)
        except InvalidOptions as exc:
            raise InternalError(
                f"deployment {job.deployment.name!r} is misconfigured: {exc}"
            ) from exc


def _request_id(answer: Mapping[str, Any] | None) -> str | None:
    value = (answer or {}).get("request_id")
    return value if isinstance(value, str) else None
