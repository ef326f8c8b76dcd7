"""The Kling AI engine: create on text2video / image2video, poll the same family, fetch the MP4.

Every call is signed with a cached JWT (``auth.py``); answers are read by service ``code``,
not HTTP status (``errors.py``). The create body carries ``external_task_id`` = the vidgate
job id. Kling refuses a second task with the same external id, so a create retried after a
5xx or a rate limit can never start a second paid task; with the deployment option
``recover_by_external_id`` the engine also looks such a task up and follows it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import httpx

from vidgate.domain.errors import GenerationError, InternalError, UpstreamLost, UpstreamUnavailable
from vidgate.engines.kling.auth import KlingKeys, TokenCache
from vidgate.engines.kling.errors import (
    CLOCK_SKEW,
    RESIGN_CODES,
    error_for_code,
    is_duplicate_external_id,
)
from vidgate.engines.kling.mapping import Family, build_request, default_model_name, family_for
from vidgate.engines.kling.options import InvalidOptions, KlingOptions
from vidgate.engines.kling.responses import (
    Envelope,
    created_at_seconds,
    external_task_id,
    read_envelope,
    snapshot_for,
)
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import (
    Deployment,
    EngineContext,
    EngineJob,
    EngineOutput,
    Readiness,
)
from vidgate.engines.remote import (
    TRANSIENT,
    RemoteTaskEngine,
    Sleep,
    TaskSnapshot,
    error_for_status,
)


class KlingEngine(RemoteTaskEngine):
    name = "kling"
    # Kling publishes no poll interval; open-source adapters poll every 10-16 s and allow up
    # to ~68 min. A task never finishes within 30 s, and busy hours queue for long.
    default_policy: ClassVar[PollPolicy] = PollPolicy(
        interval=12.0, min_interval=5.0, first_poll=30.0, timeout=90 * 60.0
    )
    required_credentials = ("access_key", "secret_key")

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        policy: PollPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(http, policy=policy, sleep=sleep, clock=clock)
        self._tokens = TokenCache(clock)

    def readiness(self, deployment: Deployment) -> Readiness:
        ready = super().readiness(deployment)
        if not ready.ready:
            return ready
        try:
            KlingOptions.of(deployment)
        except InvalidOptions as exc:
            return Readiness(False, str(exc))
        return ready

    async def run(self, job: EngineJob, ctx: EngineContext) -> EngineOutput:
        upstream = ctx.upstream or {}
        lost = upstream.get("phase") == "submitting" and "task_id" not in upstream
        if lost and self._options(job).recover_by_external_id:
            found = await self._find_by_external_id(job)
            if found is not None:
                await ctx.save_upstream({**upstream, "phase": "submitted", **found})
        return await super().run(job, ctx)

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        family = family_for(job.model)
        body = build_request(job, model_name=self._model_name(job))
        try:
            answer = await self._exchange(job, "POST", f"/v1/videos/{family}", body, creates=True)
        except UpstreamLost as lost:
            return await self._recover_or_raise(job, lost)
        if answer.ok:
            return _task_state(answer.data, family, job.id, self._clock())
        if is_duplicate_external_id(answer.code, answer.message):
            return await self._recover_or_raise(job, _duplicate(job, answer))
        raise self._error(answer)

    async def poll(self, job: EngineJob, state: Mapping[str, Any]) -> TaskSnapshot:
        family = str(state.get("family") or family_for(job.model))
        answer = await self._exchange(job, "GET", f"/v1/videos/{family}/{state['task_id']}")
        if not answer.ok:
            raise self._error(answer)
        return snapshot_for(answer.data)

    async def cancel_task(self, job: EngineJob, state: Mapping[str, Any]) -> bool:
        """Kling has no cancel call: the task runs to its end and is billed."""
        return True

    async def _recover_or_raise(self, job: EngineJob, lost: UpstreamLost) -> dict[str, Any]:
        if not self._options(job).recover_by_external_id:
            raise lost
        found = await self._find_by_external_id(job)
        if found is None:
            raise UpstreamLost(
                f"{lost.message}; no task with external_task_id {job.id!r} was found at kling"
            ) from lost
        return found

    async def _find_by_external_id(self, job: EngineJob) -> dict[str, Any] | None:
        """Look the job's task up by ``external_task_id``; a few tries, as a task that was
        just created may not be visible yet."""
        attempts = self.policy.submit_attempts
        for attempt in range(1, attempts + 1):
            found = await self._lookup_external_id(job)
            if found is not None:
                return found
            if attempt < attempts:
                await self._sleep(self.policy.next_wait(errors=attempt))
        return None

    async def _lookup_external_id(self, job: EngineJob) -> dict[str, Any] | None:
        family = family_for(job.model)
        try:
            answer = await self._exchange(job, "GET", f"/v1/videos/{family}/{job.id}")
        except TRANSIENT:
            return None
        # Anything but the job's own task (not found, refused, another id) counts as absent.
        if answer.ok and answer.data.get("task_id") and external_task_id(answer.data) == job.id:
            return _task_state(answer.data, family, job.id, self._clock(), recovered=True)
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
        url = self._options(job).base_url + path
        answer = await self._signed(method, url, self._tokens.token(keys), body, creates)
        if answer.code in RESIGN_CODES:
            token = self._tokens.renew(keys, clock_skew=answer.code == CLOCK_SKEW)
            answer = await self._signed(method, url, token, body, creates)
        return answer

    async def _signed(
        self, method: str, url: str, token: str, body: Mapping[str, Any] | None, creates: bool
    ) -> Envelope:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        response = await self.send(method, url, creates=creates, json=body, headers=headers)
        envelope = read_envelope(response)
        if envelope is None:
            raise _unreadable(response, creates)
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

    def _options(self, job: EngineJob) -> KlingOptions:
        try:
            return KlingOptions.of(job.deployment)
        except InvalidOptions as exc:
            raise InternalError(
                f"deployment {job.deployment.name!r} is misconfigured: {exc}"
            ) from exc


def _task_state(
    data: Mapping[str, Any], family: Family, job_id: str, now: float, *, recovered: bool = False
) -> dict[str, Any]:
    if not data.get("task_id"):
        raise UpstreamLost("kling accepted the create call but named no task_id")
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


def _unreadable(response: httpx.Response, creates: bool) -> GenerationError:
    snippet = response.text[:200]
    if response.is_success and creates:
        return UpstreamLost(
            f"kling answered the create call with HTTP {response.status_code} but no envelope "
            f"({snippet!r}); a task may exist, so it was not sent again"
        )
    if response.is_success:
        return UpstreamUnavailable(f"kling answered HTTP {response.status_code} without JSON")
    return error_for_status("kling", response, snippet or "no body")
