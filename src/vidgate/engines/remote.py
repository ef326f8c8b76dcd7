"""What every vendor engine shares: submit once, store the task id, poll until done.

A vendor engine subclasses ``RemoteTaskEngine`` and writes only the vendor-specific parts:
``submit`` (build the create call, return the state to keep, including ``task_id``),
``poll`` (one status call mapped to a ``TaskSnapshot``), and optionally ``fetch_output``
(an extra retrieval step) and ``cancel_task``.

Crash safety, the choice we made: before the create call is sent, the job's upstream state
is set to ``{"phase": "submitting"}``; once the vendor answers, the task id replaces it.
A job found in ``submitting`` after a restart may or may not exist at the vendor, and we
never resubmit it (that could bill the account twice): it fails with ``UpstreamLost`` and
the caller is refunded. Errors that prove the vendor created nothing (connection refused,
an HTTP error answer) clear the state, which lets the worker hand the job to the next
deployment of the route.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import httpx

from vidgate.domain.errors import (
    GenerationError,
    GenerationTimeout,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamLost,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
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
TRANSIENT = (UpstreamRateLimited, UpstreamUnavailable)


@dataclass(frozen=True, slots=True)
class TaskSnapshot:
    """One poll's answer, in vidgate's terms."""

    phase: TaskPhase
    progress: int | None = None
    vendor_status: str | None = None
    output: EngineOutput | None = None
    error: GenerationError | None = None
    state_update: Mapping[str, Any] | None = None


class RemoteTaskEngine(ABC):
    name: str
    default_policy: ClassVar[PollPolicy]
    required_credentials: ClassVar[tuple[str, ...]] = ()

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
        missing = [c for c in self.required_credentials if not deployment.credentials.get(c)]
        if missing:
            return Readiness(False, f"missing credentials: {', '.join(missing)}")
        return Readiness(True)

    @abstractmethod
    async def submit(self, job: EngineJob) -> dict[str, Any]:
        """Create the vendor task and return the state to keep; it must hold ``task_id``."""

    @abstractmethod
    async def poll(self, job: EngineJob, state: Mapping[str, Any]) -> TaskSnapshot:
        """Ask the vendor once how the task is doing."""

    async def fetch_output(
        self, job: EngineJob, state: Mapping[str, Any], snapshot: TaskSnapshot
    ) -> EngineOutput:
        if snapshot.output is None:
            raise UpstreamBadInput(f"{self.name} reported success without a video")
        return snapshot.output

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
                raise UpstreamLost(
                    f"vidgate stopped while sending this job to {self.name}; whether the vendor "
                    "accepted it is unknown, so it was not sent again and the credits were "
                    "refunded"
                )
            state = await self._submit(job, ctx)
        return await self._follow(job, ctx, state)

    async def _submit(self, job: EngineJob, ctx: EngineContext) -> dict[str, Any]:
        await ctx.save_upstream({"phase": "submitting", "deployment": job.deployment.name})
        for attempt in range(1, self.policy.submit_attempts + 1):
            try:
                created = await self.submit(job)
            except TRANSIENT as exc:
                if attempt == self.policy.submit_attempts:
                    await ctx.save_upstream(None)
                    raise
                await self._sleep(
                    self.policy.next_wait(errors=attempt, retry_after=exc.retry_after)
                )
            except UpstreamLost:
                raise
            except GenerationError:
                await ctx.save_upstream(None)
                raise
            else:
                state = {
                    "phase": "submitted",
                    "deployment": job.deployment.name,
                    "submitted_at": self._clock(),
                    **created,
                }
                await ctx.save_upstream(state)
                return state
        raise AssertionError("unreachable")

    async def _follow(
        self, job: EngineJob, ctx: EngineContext, state: dict[str, Any]
    ) -> EngineOutput:
        deadline = float(state.get("submitted_at", self._clock())) + self.policy.timeout
        wait = self.policy.first_wait()
        errors = 0
        while True:
            await self._sleep(wait)
            if self._clock() > deadline:
                raise GenerationTimeout(
                    f"{self.name} did not finish within {self.policy.timeout:.0f} s"
                )
            try:
                snapshot = await self.poll(job, state)
            except TRANSIENT as exc:
                errors += 1
                if errors > self.policy.max_errors:
                    raise
                wait = self.policy.next_wait(errors=errors, retry_after=exc.retry_after)
                continue
            errors = 0
            if snapshot.state_update:
                state.update(snapshot.state_update)
                await ctx.save_upstream(state)
            if snapshot.phase == "succeeded":
                await ctx.report("running", 100, snapshot.vendor_status)
                return await self.fetch_output(job, state, snapshot)
            if snapshot.phase == "failed":
                raise snapshot.error or UpstreamBadInput(f"{self.name} reported a failure")
            await ctx.report(snapshot.phase, snapshot.progress, snapshot.vendor_status)
            wait = self.policy.next_wait()

    async def send(
        self, method: str, url: str, *, creates: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """One HTTP call with transport errors translated.

        For a create call (``creates=True``) an error after the request may have reached the
        vendor is ``UpstreamLost``; anything that failed before sending is retryable.
        """
        try:
            return await self.http.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise UpstreamUnavailable(f"{self.name} unreachable: {exc!r}") from exc
        except httpx.TransportError as exc:
            if creates:
                raise UpstreamLost(
                    f"the connection to {self.name} broke after the create call was sent "
                    f"({type(exc).__name__}); not resubmitted, to avoid a second paid job"
                ) from exc
            raise UpstreamUnavailable(f"{self.name} connection failed: {exc!r}") from exc


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` (or ``retry-after-ms``) header, if any."""
    millis = response.headers.get("retry-after-ms")
    if millis:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def error_for_status(vendor: str, response: httpx.Response, detail: str) -> GenerationError:
    """The generic meaning of an HTTP error status, for vendors that follow HTTP semantics."""
    status = response.status_code
    message = f"{vendor} answered HTTP {status}: {detail}"
    if status == 429:
        return UpstreamRateLimited(message, retry_after=retry_after(response))
    if status in (408, 409) or status >= 500:
        return UpstreamUnavailable(message, retry_after=retry_after(response))
    if status in (401, 403):
        return UpstreamAuth(message)
    if status == 402:
        return UpstreamQuota(message)
    return UpstreamBadInput(message)
