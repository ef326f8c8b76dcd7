"""The job store and queue: keys, credits, jobs and leases, behind one protocol.

Every state change that moves credits happens in one transaction with the job change it
belongs to, guarded by the job's current state, so it happens exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from vidgate.domain.accounts import ApiKey, LedgerEntry
from vidgate.domain.jobs import Job, JobError, JobStatus, KeyKind, VideoResult


@dataclass(frozen=True, slots=True)
class NewKey:
    id: str
    name: str
    secret_hash: str
    prefix: str
    kind: KeyKind
    is_admin: bool
    credits: int


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """Up to ``limit`` jobs of ``deployment`` (a deployment with free slots)."""

    deployment: str
    limit: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a job ends. ``refund`` returns the reserved credits to the key."""

    status: Literal[JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED]
    refund: bool
    error: JobError | None = None
    result: VideoResult | None = None


@dataclass(frozen=True, slots=True)
class IdempotentCreate:
    """An idempotency key and the hash of the request body it was first used with."""

    key: str
    request_hash: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """A webhook event on its way to one URL."""

    id: str
    key_id: str
    job_id: str
    event_type: str
    url: str
    payload: dict[str, Any]
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: float
    created_at: float
    delivered_at: float | None


@dataclass(frozen=True, slots=True)
class Attempt:
    attempt: int
    at: float
    status_code: int | None
    error: str | None
    duration_ms: int


class WebhookStore(Protocol):
    """Deliveries are queued by ``Store.finish`` (same transaction as the job's end)."""

    async def set_endpoint(self, key_id: str, url: str | None, secret: str | None) -> None: ...
    async def endpoint(self, key_id: str) -> tuple[str | None, str | None]: ...
    async def claim_due(self, owner: str, limit: int, lease_seconds: float) -> list[Delivery]: ...
    async def record_attempt(
        self,
        delivery: Delivery,
        owner: str,
        attempt: Attempt,
        *,
        delivered: bool,
        retry_at: float | None,
    ) -> bool: ...
    async def deliveries(
        self, key_id: str, *, limit: int, job_id: str | None = None
    ) -> list[tuple[Delivery, list[Attempt]]]: ...


class Store(Protocol):
    # keys and credits
    async def create_key(self, key: NewKey) -> ApiKey: ...
    async def find_key_by_hash(self, secret_hash: str) -> ApiKey | None: ...
    async def get_key(self, key_id: str) -> ApiKey | None: ...
    async def list_keys(self) -> list[ApiKey]: ...
    async def count_keys(self) -> int: ...
    async def revoke_key(self, key_id: str) -> ApiKey | None: ...
    async def add_credits(self, key_id: str, amount: int, note: str | None) -> ApiKey | None: ...
    async def ledger(self, key_id: str, *, limit: int, before: int | None) -> list[LedgerEntry]: ...

    # jobs, as callers see them
    async def create_job(self, job: Job, idempotency: IdempotentCreate | None = None) -> Job:
        """Insert ``job`` and reserve ``job.price`` from its key in one transaction.

        Raises InsufficientCredits when the balance is short. With ``idempotency``, a key
        seen before returns the job created with it (and creates nothing), or raises
        Conflict when the request hash differs.
        """

    async def get_job(self, job_id: str, key_id: str | None = None) -> Job | None: ...
    async def list_jobs(
        self, key_id: str, *, after: str | None, limit: int, order: Literal["asc", "desc"]
    ) -> list[Job]: ...
    async def cancel_queued(self, job_id: str, key_id: str) -> Job | None:
        """Cancel and refund a job no worker holds; None when a worker holds it."""

    async def request_cancel(self, job_id: str, key_id: str) -> Job | None: ...
    async def delete_job(self, job_id: str, key_id: str) -> Job | None: ...

    # jobs, as workers see them
    async def claim(
        self,
        owner: str,
        requests: Sequence[ClaimRequest],
        lease_seconds: float,
        max_attempts: int = ...,
    ) -> list[Job]: ...
    async def heartbeat(self, owner: str, lease_seconds: float) -> set[str]:
        """Extend every lease ``owner`` holds; return the ids whose cancel was requested."""

    async def report(
        self,
        job_id: str,
        owner: str,
        *,
        status: JobStatus,
        progress: int,
        upstream_status: str | None,
    ) -> bool: ...
    async def save_upstream(
        self, job_id: str, owner: str, state: Mapping[str, Any] | None
    ) -> bool: ...
    async def release(self, job_id: str, owner: str, *, deployment: str, engine: str) -> bool:
        """Hand a job back to the queue (for another deployment, or another worker)."""

    async def hand_back(self, owner: str) -> int:
        """Release every lease of ``owner`` untouched (graceful shutdown)."""

    async def finish(self, job_id: str, owner: str | None, outcome: Outcome) -> Job | None:
        """End an active job once; None when it was not ours or had already ended."""

    async def fail_exhausted(self, max_attempts: int) -> list[Job]:
        """End (and refund) jobs whose leases expired ``max_attempts`` times."""

    async def fail_overdue(self, created_before: float) -> list[Job]:
        """End (and refund) unheld active jobs created before ``created_before``."""

    # instance-wide values (the URL-signing secret, …)
    async def get_or_set_instance_value(self, name: str, value: str) -> str: ...

    async def ping(self) -> None: ...
    async def close(self) -> None: ...
