"""The MiniMax engine: create a task, query it, then trade its ``file_id`` for a download URL.

MiniMax signals errors in ``base_resp`` of HTTP 200 answers, so every answer is read for its
code (``errors.py``) before its HTTP status is trusted. Once the task reports ``Success``
(its ``file_id`` is saved in the job's state), ``fetch_output`` runs the ``files/retrieve``
step; a transient failure there is retried by the shared polling loop like a poll. MiniMax has
no cancel call: an accepted task runs to its end and is billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from vidgate.domain.errors import GenerationError, OutputInvalid
from vidgate.engines.answers import error_for_status, retry_after, unnamed_task, unreadable
from vidgate.engines.credentials import bearer, credential
from vidgate.engines.minimax.errors import error_for_code, error_for_failed_task
from vidgate.engines.minimax.mapping import build_request, vendor_model
from vidgate.engines.minimax.options import MiniMaxOptions
from vidgate.engines.minimax.responses import Answer, download_url, read_answer, task_phase, text_id
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import EngineJob, EngineOutput, RemoteVideo
from vidgate.engines.remote import RemoteTaskEngine, TaskContext, TaskSnapshot

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
    options_type = MiniMaxOptions
    required_credentials = ("api_key",)

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        model = vendor_model(job, MiniMaxOptions.for_job(job))
        body = build_request(job, model=model)
        answer = await self._call(job, "POST", CREATE_PATH, creates=True, json=body)
        if answer.code:
            raise self._error(answer)
        task_id = text_id(answer.body.get("task_id"))
        if task_id is None:
            raise unnamed_task(self.name, answer.response, what="task_id")
        return {"task_id": task_id, "model": model}

    async def poll(
        self, job: EngineJob, state: Mapping[str, Any], ctx: TaskContext
    ) -> TaskSnapshot:
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
        return _succeeded(task_id, answer)

    async def fetch_output(
        self,
        job: EngineJob,
        state: Mapping[str, Any],
        snapshot: TaskSnapshot,
        ctx: TaskContext,
    ) -> EngineOutput:
        """``files/retrieve``: the download URL of the task's ``file_id``."""
        file_id = str(state["file_id"])
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
        return RemoteVideo(url)

    async def _call(
        self, job: EngineJob, method: str, path: str, *, creates: bool = False, **kwargs: Any
    ) -> Answer:
        """One authorised call; the answer either carries a non-zero code or is an HTTP success."""
        url = MiniMaxOptions.for_job(job).base_url + path
        headers = bearer(credential(job.deployment, self.name, "api_key"))
        response = await self.send(method, url, creates=creates, headers=headers, **kwargs)
        answer = read_answer(response)
        if answer is None:
            raise unreadable(self.name, response, creates=creates)
        if answer.code == 0 and not response.is_success:
            raise error_for_status(self.name, response, answer.message or response.text[:200])
        return answer

    def _error(self, answer: Answer) -> GenerationError:
        return error_for_code(answer.code, answer.message, retry_after=retry_after(answer.response))


def _succeeded(task_id: str, answer: Answer) -> TaskSnapshot:
    """A ``Success`` answer; its ``file_id`` is kept for ``fetch_output``."""
    file_id = text_id(answer.body.get("file_id"))
    if file_id is None:
        error = OutputInvalid(f"minimax task {task_id} succeeded but named no file_id")
        return TaskSnapshot("failed", vendor_status="Success", error=error)
    return TaskSnapshot(
        "succeeded", progress=100, vendor_status="Success", state_update={"file_id": file_id}
    )
