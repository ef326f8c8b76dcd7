"""What every vendor engine shares: submit once, store the task id, poll until done.

A vendor engine subclasses ``RemoteTaskEngine`` and writes only the vendor-specific parts:
``submit`` (build the create call, return the state to keep, including ``task_id``),
``poll`` (one status call mapped to a ``TaskSnapshot``), and optionally ``fetch_output``
(an extra retrieval step) and ``cancel_task``. Its deployment options are a
``DeploymentOptions`` schema (``options_type``), which ``readiness`` checks.

Hooks, each with a default that suits most vendors:

    policy_for(job)             the poll cadence of the job's deployment (``self.policy``)
    recover_submission(job)     the task the vendor holds for a job whose create call is in
                                doubt, found without creating one (None: there is no way)
    fetch_output(job, state, snapshot, ctx)
                                the video of a succeeded task (``snapshot.output``); its
                                transient errors are retried like a poll's, within the same
                                ``max_errors``

``poll`` and ``fetch_output`` get the job's ``TaskContext``: its ``workdir``, where a video
the vendor delivers inline is written.

Crash safety, the choice we made: before the create call is sent, the job's upstream state
is set to ``{"phase": "submitting"}``; once the vendor answers, the task id replaces it.
A job found in ``submitting`` after a restart may or may not exist at the vendor, and we
never resubmit it (that could bill the account twice): it fails with ``UpstreamLost`` and
the caller is refunded. Errors that prove the vendor created nothing (connection refused,
an HTTP error answer) clear the state, which lets the worker hand the job to the next
deployment of the route.

Before failing such a job (found in ``submitting``, or whose create call ended in
``UpstreamLost``), the engine's ``recover_submission`` may look the task up; a task it finds
is followed as if the create call had answered, and the state stays ``submitting`` otherwise.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

import httpx

from vidgate.domain.errors import (
    GenerationError,
    GenerationTimeout,
    UpstreamBadInput,
    UpstreamLost,
    UpstreamUnavailable,
)
from vidgate.engines.answers import TRANSIENT
from vidgate.engines.credentials import missing_credentials
from vidgate.engines.options import DeploymentOptions, InvalidOptions
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import (
    Deployment,
    EngineContext,
    EngineJob,
    EngineOutput,
    Readiness,
)

TaskPhase = Literal["queued", "running", "succeeded", "failed"]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class TaskSnapshot:
    """One poll's answer, in vidgate's terms."""

    phase: TaskPhase
    progress: int | None = None
    vendor_status: str | None = None
    output: EngineOutput | None = None
    error: GenerationError | None = None
    state_update: Mapping[str, Any] | None = None


class TaskContext(Protocol):
    """What ``poll`` and ``fetch_output`` may use of the job's ``EngineContext``."""

    @property
    def workdir(self) -> Path:
        """The job's private folder; a video the vendor returns inline is written here."""


class RemoteTaskEngine(ABC):
    name: str
    default_policy: ClassVar[PollPolicy]
    options_type: ClassVar[type[DeploymentOptions]]
    required_credentials: ClassVar[tuple[str, ...]] = ()
    # True when the vendor itself refuses a repeated create (Kling's ``external_task_id``):
    # then a create whose answer was lost may be sent again without making a second task.
    creates_are_deduplicated: ClassVar[bool] = False

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        policy: PollPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.policy = policy or self.default_policy
        self._sleep = sleep
        self._clock = clock

    def readiness(self, deployment: Deployment) -> Readiness:
        missing = missing_credentials(deployment, self.required_credentials)
        if not missing:
            try:
                options = self.options_type.of(deployment)
            except InvalidOptions as exc:
                return Readiness(False, str(exc))
            missing = missing_credentials(deployment, options.credentials)
        if missing:
            return Readiness(False, f"missing credentials: {', '.join(missing)}")
        return Readiness(True)

    @abstractmethod
    async def submit(self, job: EngineJob) -> dict[str, Any]:
        """Create the vendor task and return the state to keep; it must hold ``task_id``."""

    @abstractmethod
    async def poll(
        self, job: EngineJob, state: Mapping[str, Any], ctx: TaskContext
    ) -> TaskSnapshot:
        """Ask the vendor once how the task is doing."""

    async def fetch_output(
        self,
        job: EngineJob,
        state: Mapping[str, Any],
        snapshot: TaskSnapshot,
        ctx: TaskContext,
    ) -> EngineOutput:
        """Where the video of a succeeded task is; transient errors are retried."""
        if snapshot.output is None:
            raise UpstreamBadInput(f"{self.name} reported success without a video")
        return snapshot.output

    def policy_for(self, job: EngineJob) -> PollPolicy:
        """How to poll for ``job`` (the submit retries and the follow loop)."""
        return self.policy

    async def recover_submission(self, job: EngineJob) -> dict[str, Any] | None:
        """The state of the task the vendor already holds for ``job`` (with ``task_id``),
        found without creating one; None when there is none or no way to look."""
        return None

    async def cancel_task(self, job: EngineJob, state: Mapping[str, Any]) -> bool:
        """Vendors without a cancel call keep running, and bill, what they accepted."""
        return True

    async def cancel(self, job: EngineJob, upstream: Mapping[str, Any] | None) -> bool:
        if not upstream or "task_id" not in upstream:
            return False
        try:
            return await self.cancel_task(job, upstream)
        except GenerationError:
            return True

    async def run(self, job: EngineJob, ctx: EngineContext) -> EngineOutput:
        state = dict(ctx.upstream or {})
        if "task_id" not in state:
            if state.get("phase") == "submitting":
                state = await self._recover(job, ctx, _stopped_while_sending(self.name))
            else:
                state = await self._submit(job, ctx)
        return await self._follow(job, ctx, state)

    async def _submit(self, job: EngineJob, ctx: EngineContext) -> dict[str, Any]:
        policy = self.policy_for(job)
        await ctx.save_upstream({"phase": "submitting", "deployment": job.deployment.name})
        for attempt in range(1, policy.submit_attempts + 1):
            try:
                created = await self.submit(job)
            except TRANSIENT as exc:
                if attempt == policy.submit_attempts:
                    await ctx.save_upstream(None)
                    raise
                await self._sleep(policy.next_wait(errors=attempt, retry_after=exc.retry_after))
            except UpstreamLost as lost:
                return await self._recover(job, ctx, lost)
            except GenerationError:
                await ctx.save_upstream(None)
                raise
            else:
                return await self._submitted(job, ctx, created)
        raise AssertionError("unreachable")

    async def _recover(
        self, job: EngineJob, ctx: EngineContext, lost: UpstreamLost
    ) -> dict[str, Any]:
        """Follow the task a doubtful create may have made, or fail the job as lost."""
        try:
            found = await self.recover_submission(job)
        except GenerationError as exc:
            raise lost from exc
        if found is None:
            raise lost
        return await self._submitted(job, ctx, found)

    async def _submitted(
        self, job: EngineJob, ctx: EngineContext, created: Mapping[str, Any]
    ) -> dict[str, Any]:
        state = {
            "phase": "submitted",
            "deployment": job.deployment.name,
            "submitted_at": self._clock(),
            **created,
        }
        await ctx.save_upstream(state)
        return state

    async def _follow(
        self, job: EngineJob, ctx: EngineContext, state: dict[str, Any]
    ) -> EngineOutput:
        policy = self.policy_for(job)
        deadline = float(state.get("submitted_at", self._clock())) + policy.timeout
        wait = policy.first_wait()
        errors = 0
        succeeded: TaskSnapshot | None = None
        while True:
            await self._sleep(wait)
            if self._clock() > deadline:
                raise GenerationTimeout(f"{self.name} did not finish within {policy.timeout:.0f} s")
            try:
                if succeeded is None:
                    succeeded = await self._poll_once(job, ctx, state)
                if succeeded is not None:
                    return await self.fetch_output(job, state, succeeded, ctx)
            except TRANSIENT as exc:
                errors += 1
                if errors > policy.max_errors:
                    raise
                wait = policy.next_wait(errors=errors, retry_after=exc.retry_after)
                continue
            errors = 0
            wait = policy.next_wait()

    async def _poll_once(
        self, job: EngineJob, ctx: EngineContext, state: dict[str, Any]
    ) -> TaskSnapshot | None:
        """One poll, reported; the snapshot once the task succeeded, else None."""
        snapshot = await self.poll(job, state, ctx)
        if snapshot.state_update:
            state.update(snapshot.state_update)
            await ctx.save_upstream(state)
        if snapshot.phase == "failed":
            raise snapshot.error or UpstreamBadInput(f"{self.name} reported a failure")
        if snapshot.phase == "succeeded":
            await ctx.report("running", 100, snapshot.vendor_status)
            return snapshot
        await ctx.report(snapshot.phase, snapshot.progress, snapshot.vendor_status)
        return None

    async def send(
        self, method: str, url: str, *, creates: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """One HTTP call with transport errors translated.

        For a create call (``creates=True``) an error after the request may have reached the
        vendor is ``UpstreamLost``, and so is a gateway's 504 (the vendor may have created the
        task after its proxy gave up waiting); anything that failed before sending is
        retryable. A vendor that deduplicates creates is exempt from the 504 rule.
        """
        try:
            response = await self.http.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise UpstreamUnavailable(f"{self.name} unreachable: {exc!r}") from exc
        except httpx.TransportError as exc:
            if creates:
                raise UpstreamLost(
                    f"the connection to {self.name} broke after the create call was sent "
                    f"({type(exc).__name__}); not resubmitted, to avoid a second paid job"
                ) from exc
            raise UpstreamUnavailable(f"{self.name} connection failed: {exc!r}") from exc
        if creates and response.status_code == 504 and not self.creates_are_deduplicated:
            raise UpstreamLost(
                f"{self.name} answered the create call with HTTP 504 (a gateway timed out "
                "waiting for it); a task may exist, so it was not sent again"
            )
        return response


def _stopped_while_sending(vendor: str) -> UpstreamLost:
    return UpstreamLost(
        f"vidgate stopped while sending this job to {vendor}; whether the vendor accepted it "
        "is unknown, so it was not sent again and the credits were refunded"
    )
