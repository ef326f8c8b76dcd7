"""The Kling AI engine: create on text2video / image2video, poll the same family, fetch the MP4.

Every call is signed with a cached JWT (``auth.py``); answers are read by service ``code``,
not HTTP status (``errors.py``). The create body carries ``external_task_id`` = the vidgate
job id. Kling refuses a second task with the same external id, so a create retried after a
5xx or a rate limit can never start a second paid task; with the deployment option
``recover_by_external_id`` the engine also looks such a task up and follows it
(``recover_submission``). Kling has no cancel call: an accepted task runs to its end and is
billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from vidgate.domain.errors import GenerationError, UpstreamLost
from vidgate.engines.answers import TRANSIENT, error_for_status, unnamed_task, unreadable
from vidgate.engines.credentials import bearer
from vidgate.engines.kling.auth import KlingKeys, TokenCache
from vidgate.engines.kling.errors import (
    CLOCK_SKEW,
    RESIGN_CODES,
    error_for_code,
    is_duplicate_external_id,
)
from vidgate.engines.kling.mapping import Family, build_request, default_model_name, family_for
from vidgate.engines.kling.options import KlingOptions
from vidgate.engines.kling.responses import (
    Envelope,
    created_at_seconds,
    external_task_id,
    read_envelope,
    snapshot_for,
)
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import EngineJob
from vidgate.engines.remote import RemoteTaskEngine, TaskContext, TaskSnapshot


class KlingEngine(RemoteTaskEngine):
    name = "kling"
    # Kling publishes no poll interval; open-source adapters poll every 10-16 s and allow up
    # to ~68 min. A task never finishes within 30 s, and busy hours queue for long.
    default_policy: ClassVar[PollPolicy] = PollPolicy(
        interval=12.0, min_interval=5.0, first_poll=30.0, timeout=90 * 60.0
    )
    options_type = KlingOptions
    required_credentials = ("access_key", "secret_key")
    creates_are_deduplicated = True  # every create carries external_task_id = the job's id

    @cached_property
    def _tokens(self) -> TokenCache:
        return TokenCache(self._clock)

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        family = family_for(job.model)
        body = build_request(job, model_name=self._model_name(job))
        answer = await self._exchange(job, "POST", f"/v1/videos/{family}", body, creates=True)
        if answer.ok:
            return _task_state(answer, family, job.id, self._clock())
        if is_duplicate_external_id(answer.code, answer.message):
            raise _duplicate(job, answer)
        raise self._error(answer)

    async def poll(
        self, job: EngineJob, state: Mapping[str, Any], ctx: TaskContext
    ) -> TaskSnapshot:
        family = str(state.get("family") or family_for(job.model))
        answer = await self._exchange(job, "GET", f"/v1/videos/{family}/{state['task_id']}")
        if not answer.ok:
            raise self._error(answer)
        return snapshot_for(answer.data)

    async def recover_submission(self, job: EngineJob) -> dict[str, Any] | None:
        """With ``recover_by_external_id``, the task Kling holds under the job's id. A few
        tries, as a task that was just created may not be visible yet."""
        if not KlingOptions.for_job(job).recover_by_external_id:
            return None
        policy = self.policy_for(job)
        for attempt in range(1, policy.submit_attempts + 1):
            found = await self._lookup_external_id(job)
            if found is not None:
                return found
            if attempt < policy.submit_attempts:
                await self._sleep(policy.next_wait(errors=attempt))
        return None

    async def _lookup_external_id(self, job: EngineJob) -> dict[str, Any] | None:
        family = family_for(job.model)
        try:
            answer = await self._exchange(job, "GET", f"/v1/videos/{family}/{job.id}")
        except TRANSIENT:
            return None
        # Anything but the job's own task (not found, refused, another id) counts as absent.
        if answer.ok and answer.data.get("task_id") and external_task_id(answer.data) == job.id:
            return _task_state(answer, family, job.id, self._clock(), recovered=True)
        return None

    async def _exchange(
        self,
        job: EngineJob,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        creates: bool = False,
    ) -> Envelope:
        """One signed call; a token Kling calls expired or not yet valid is re-signed once."""
        keys = KlingKeys.from_credentials(job.deployment.credentials)
        url = KlingOptions.for_job(job).base_url + path
        answer = await self._signed(method, url, self._tokens.token(keys), body, creates)
        if answer.code in RESIGN_CODES:
            token = self._tokens.renew(keys, clock_skew=answer.code == CLOCK_SKEW)
            answer = await self._signed(method, url, token, body, creates)
        return answer

    async def _signed(
        self, method: str, url: str, token: str, body: Mapping[str, Any] | None, creates: bool
    ) -> Envelope:
        headers = bearer(token) | {"Content-Type": "application/json"}
        response = await self.send(method, url, creates=creates, json=body, headers=headers)
        envelope = read_envelope(response)
        if envelope is None:
            raise unreadable(self.name, response, creates=creates, expected="envelope")
        return envelope

    def _error(self, answer: Envelope) -> GenerationError:
        status = answer.response.status_code
        known = error_for_code(
            answer.code, answer.message, http_status=status, retry_after=answer.retry_after
        )
        detail = f"code {answer.code}: {answer.message or 'no message'}"
        return known or error_for_status(self.name, answer.response, detail)

    def _model_name(self, job: EngineJob) -> str:
        return job.deployment.vendor_model_for(job.model.id) or default_model_name(job.model.id)


def _task_state(
    answer: Envelope, family: Family, job_id: str, now: float, *, recovered: bool = False
) -> dict[str, Any]:
    data = answer.data
    if not data.get("task_id"):
        raise unnamed_task("kling", answer.response, what="task_id")
    state: dict[str, Any] = {
        "task_id": str(data["task_id"]),
        "family": family,
        "external_task_id": job_id,
    }
    if recovered:
        state["recovered"] = True
        state["submitted_at"] = created_at_seconds(data) or now
    return state


def _duplicate(job: EngineJob, answer: Envelope) -> UpstreamLost:
    return UpstreamLost(
        f"kling already holds a task with external_task_id {job.id!r} (an earlier attempt of "
        f"this create call was accepted; code {answer.code}: {answer.message}), so it was "
        "not created twice"
    )
