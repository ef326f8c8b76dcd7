"""The MiniMax engine: create a task, query it, then trade its ``file_id`` for a download URL.

MiniMax signals errors in ``base_resp`` of HTTP 200 answers, so every answer is read for its
code (``errors.py``) before its HTTP status is trusted. The ``files/retrieve`` step runs inside
``poll`` once the task reports ``Success``: the job counts as succeeded only when a download
URL is known, and a transient failure of that step is retried by the shared polling loop like
any other poll. MiniMax has no cancel call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from vidgate.domain.errors import (
    GenerationError,
    InternalError,
    OutputInvalid,
    UpstreamAuth,
    UpstreamLost,
    UpstreamUnavailable,
)
from vidgate.engines.minimax.errors import error_for_code, error_for_failed_task
from vidgate.engines.minimax.mapping import build_request, vendor_model
from vidgate.engines.minimax.options import InvalidOptions, MiniMaxOptions
from vidgate.engines.minimax.responses import (
    Answer,
    download_url,
    read_answer,
    task_phase,
    text_id,
)
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import Deployment, EngineJob, Readiness, RemoteVideo
from vidgate.engines.remote import RemoteTaskEngine, TaskSnapshot, error_for_status, retry_after

CREATE_PATH = "/v1/video_generation"
QUERY_PATH = "/v1/query/video_generation"
RETRIEVE_PATH = "/v1/files/retrieve"


class MiniMaxEngine(RemoteTaskEngine):
    name = "minimax"
    # MiniMax's own sample queries every 10 s (its MCP server every 20 s). A 6 s 01-series clip
    # takes a few minutes; busy hours queue for longer, hence the hour.
    default_policy: ClassVar[PollPolicy] = PollPolicy(
        interval=10.0, min_interval=10.0, timeout=60 * 60.0
    )
    required_credentials = ("api_key",)

    def readiness(self, deployment: Deployment) -> Readiness:
        ready = super().readiness(deployment)
        if not ready.ready:
            return ready
        try:
            MiniMaxOptions.of(deployment)
        except InvalidOptions as exc:
            return Readiness(False, str(exc))
        return ready

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        options = self._options(job)
        model = vendor_model(job, options)
        body = build_request(job, model=model)
        answer = await self._call(job, "POST", CREATE_PATH, creates=True, json=body)
        if answer.code:
            raise self._error(answer)
        task_id = text_id(answer.body.get("task_id"))
        if task_id is None:
            raise UpstreamLost("minimax accepted the create call but named no task_id")
        return {"task_id": task_id, "model": model}

    async def poll(self, job: EngineJob, state: Mapping[str, Any]) -> TaskSnapshot:
        task_id = str(state["task_id"])
        answer = await self._call(job, "GET", QUERY_PATH, params={"task_id": task_id})
        status = str(answer.body.get("status") or "")
        phase = task_phase(status) if status else None
        if phase == "failed":
            error = error_for_failed_task(task_id, answer.code, answer.message)
            return TaskSnapshot("failed", vendor_status=status, error=error)
        if answer.code:
            # No status and a code: the query itself failed (unknown task, key, rate limit).
            raise self._error(answer)
        if phase != "succeeded":
            return TaskSnapshot(phase or "running", vendor_status=status or None)
        return await self._succeeded(job, task_id, answer)

    async def cancel_task(self, job: EngineJob, state: Mapping[str, Any]) -> bool:
        """MiniMax has no cancel call: an accepted task runs to its end and is billed."""
        return True

    async def _succeeded(self, job: EngineJob, task_id: str, answer: Answer) -> TaskSnapshot:
        file_id = text_id(answer.body.get("file_id"))
        if file_id is None:
            error = OutputInvalid(f"minimax task {task_id} succeeded but named no file_id")
            return TaskSnapshot("failed", vendor_status="Success", error=error)
        url = await self._download_url(job, file_id)
        return TaskSnapshot(
            "succeeded",
            progress=100,
            vendor_status="Success",
            output=RemoteVideo(url),
            state_update={"file_id": file_id},
        )

    async def _download_url(self, job: EngineJob, file_id: str) -> str:
        params = {"file_id": file_id}
        group_id = job.deployment.credentials.get("group_id")
        if group_id:
            params["GroupId"] = group_id
        answer = await self._call(job, "GET", RETRIEVE_PATH, params=params)
        if answer.code:
            raise self._error(answer)
        url = download_url(answer.body)
        if url is None:
            raise OutputInvalid(f"minimax file {file_id} has no download_url")
        return url

    async def _call(
        self, job: EngineJob, method: str, path: str, *, creates: bool = False, **kwargs: Any
    ) -> Answer:
        """One authorised call; the answer either carries a non-zero code or is an HTTP success."""
        url = self._options(job).base_url + path
        headers = {"Authorization": f"Bearer {_api_key(job)}"}
        response = await self.send(method, url, creates=creates, headers=headers, **kwargs)
        answer = read_answer(response)
        if answer is None:
            raise _unreadable(response, creates)
        if answer.code == 0 and not response.is_success:
            raise error_for_status(self.name, response, answer.message or response.text[:200])
        return answer

    def _error(self, answer: Answer) -> GenerationError:
        return error_for_code(answer.code, answer.message, retry_after=retry_after(answer.response))

    def _options(self, job: EngineJob) -> MiniMaxOptions:
        try:
            return MiniMaxOptions.of(job.deployment)
        except InvalidOptions as exc:
            raise InternalError(
                f"deployment {job.deployment.name!r} is misconfigured: {exc}"
            ) from exc


def _api_key(job: EngineJob) -> str:
    key = job.deployment.credentials.get("api_key")
    if not key:
        raise UpstreamAuth(f"deployment {job.deployment.name!r} has no minimax api_key")
    return key


def _unreadable(response: httpx.Response, creates: bool) -> GenerationError:
    snippet = response.text[:200]
    if response.is_success and creates:
        return UpstreamLost(
            f"minimax answered the create call with HTTP {response.status_code} but no JSON "
            f"({snippet!r}); a task may exist, so it was not sent again"
        )
    if response.is_success:
        return UpstreamUnavailable(f"minimax answered HTTP {response.status_code} without JSON")
    return error_for_status("minimax", response, snippet or "no body")
