"""Every SQL statement of vidgate, behind the Store protocol."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    null,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from vidgate.domain.accounts import ApiKey, LedgerEntry, LedgerKind
from vidgate.domain.errors import Conflict, InsufficientCredits
from vidgate.domain.jobs import ACTIVE_STATUSES, Job, JobError, JobStatus
from vidgate.store.events import JobEvent
from vidgate.store.protocol import ClaimRequest, IdempotentCreate, NewKey, Outcome
from vidgate.store.sql.connections import Connections
from vidgate.store.sql.notifications import notify, publish
from vidgate.store.sql.rows import (
    job_from_row,
    job_values,
    key_from_row,
    ledger_from_row,
    result_values,
)
from vidgate.store.sql.runner import StatementRunner
from vidgate.store.sql.schema import api_keys, idempotency_keys, instance, jobs, ledger
from vidgate.store.sql.webhooks import enqueue_for_job

if TYPE_CHECKING:
    from vidgate.store.sql.connections import DatabaseConnection

ACTIVE = [s.value for s in ACTIVE_STATUSES]
IDEMPOTENCY_TTL = 24 * 3600.0
CANCELLED_BEFORE_START = Outcome(
    JobStatus.CANCELLED,
    refund=True,
    error=JobError("cancelled", "cancelled by the caller before it started; credits refunded"),
)


class SqlStore:
    def __init__(self, connections: Connections) -> None:
        self._db = connections

    @property
    def dialect(self) -> str:
        return self._db.dialect

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[DatabaseConnection]:
        async with self._db.writer.begin() as conn:
            yield conn

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[DatabaseConnection]:
        async with self._db.reader.connect() as conn:
            yield conn

    async def ping(self) -> None:
        async with self._read() as conn:
            await conn.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self._db.dispose()

    # ---------------------------------------------------------------- keys and credits

    async def create_key(self, key: NewKey) -> ApiKey:
        now = time.time()
        async with self._write() as conn:
            await conn.execute(
                insert(api_keys).values(
                    id=key.id,
                    name=key.name,
                    secret_hash=key.secret_hash,
                    prefix=key.prefix,
                    kind=key.kind.value,
                    is_admin=key.is_admin,
                    balance=key.credits,
                    created_at=now,
                )
            )
            if key.credits:
                await conn.run_sync(
                    _append_ledger,
                    key.id,
                    LedgerKind.GRANT,
                    key.credits,
                    key.credits,
                    None,
                    "initial credits",
                    now,
                )
            row = (await conn.execute(select(api_keys).where(api_keys.c.id == key.id))).one()
        return key_from_row(row)

    async def find_key_by_hash(self, secret_hash: str) -> ApiKey | None:
        async with self._read() as conn:
            return await conn.run_sync(select_key_by_hash, secret_hash)

    async def get_key(self, key_id: str) -> ApiKey | None:
        async with self._read() as conn:
            row = (await conn.execute(select(api_keys).where(api_keys.c.id == key_id))).first()
        return key_from_row(row) if row else None

    async def list_keys(self) -> list[ApiKey]:
        async with self._read() as conn:
            rows = (await conn.execute(select(api_keys).order_by(api_keys.c.created_at))).all()
        return [key_from_row(r) for r in rows]

    async def count_keys(self) -> int:
        async with self._read() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(api_keys))).scalar_one()
            )

    async def revoke_key(self, key_id: str) -> ApiKey | None:
        async with self._write() as conn:
            row = (
                await conn.execute(
                    update(api_keys)
                    .where(api_keys.c.id == key_id)
                    .values(revoked_at=func.coalesce(api_keys.c.revoked_at, time.time()))
                    .returning(*api_keys.c)
                )
            ).first()
        return key_from_row(row) if row else None

    async def add_credits(self, key_id: str, amount: int, note: str | None) -> ApiKey | None:
        now = time.time()
        async with self._write() as conn:
            row = (
                await conn.execute(
                    update(api_keys)
                    .where(api_keys.c.id == key_id, api_keys.c.balance + amount >= 0)
                    .values(balance=api_keys.c.balance + amount)
                    .returning(*api_keys.c)
                )
            ).first()
            if row is None:
                return None
            key = key_from_row(row)
            await conn.run_sync(
                _append_ledger, key_id, LedgerKind.TOPUP, amount, key.balance, None, note, now
            )
        return key

    async def ledger(self, key_id: str, *, limit: int, before: int | None) -> list[LedgerEntry]:
        query = select(ledger).where(ledger.c.key_id == key_id)
        if before is not None:
            query = query.where(ledger.c.id < before)
        async with self._read() as conn:
            rows = (await conn.execute(query.order_by(ledger.c.id.desc()).limit(limit))).all()
        return [ledger_from_row(r) for r in rows]

    # ---------------------------------------------------------------- jobs, caller side

    async def create_job(self, job: Job, idempotency: IdempotentCreate | None = None) -> Job:
        try:
            return await self._create_job(job, idempotency)
        except IntegrityError:
            if idempotency is None:
                raise
            # A concurrent request with the same idempotency key won the race; answer as it did.
            return await self._create_job(job, idempotency)

    async def _create_job(self, job: Job, idempotency: IdempotentCreate | None) -> Job:
        async with self._write() as conn:
            return await conn.run_sync(insert_job, job, idempotency)

    async def get_job(self, job_id: str, key_id: str | None = None) -> Job | None:
        async with self._read() as conn:
            return await conn.run_sync(select_job, job_id, key_id)

    async def list_jobs(
        self, key_id: str, *, after: str | None, limit: int, order: Literal["asc", "desc"]
    ) -> list[Job]:
        query = select(jobs).where(jobs.c.key_id == key_id, jobs.c.deleted.is_(False))
        if after is not None:
            query = query.where(jobs.c.id > after if order == "asc" else jobs.c.id < after)
        query = query.order_by(jobs.c.id.asc() if order == "asc" else jobs.c.id.desc())
        async with self._read() as conn:
            rows = (await conn.execute(query.limit(limit))).all()
        return [job_from_row(r) for r in rows]

    async def cancel_queued(self, job_id: str, key_id: str) -> Job | None:
        now = time.time()
        unheld = and_(
            jobs.c.id == job_id,
            jobs.c.key_id == key_id,
            jobs.c.status.in_(ACTIVE),
            jobs.c.upstream.is_(None),
            or_(jobs.c.lease_owner.is_(None), jobs.c.lease_expires_at < now),
        )
        outcome_values = _outcome_values(CANCELLED_BEFORE_START, now)

        async with self._write() as conn:
            row = (
                await conn.execute(
                    update(jobs).where(unheld).values(outcome_values).returning(*jobs.c)
                )
            ).first()
            if row is None:
                return None
            job = job_from_row(row)
            await _refund(conn, job, now)
            await enqueue_for_job(conn, job, now)
        return job

    async def request_cancel(self, job_id: str, key_id: str) -> Job | None:
        async with self._write() as conn:
            row = (
                await conn.execute(
                    update(jobs)
                    .where(jobs.c.id == job_id, jobs.c.key_id == key_id, jobs.c.status.in_(ACTIVE))
                    .values(cancel_requested=True, updated_at=time.time())
                    .returning(*jobs.c)
                )
            ).first()
            if row is not None:
                await publish(conn, JobEvent.cancel(job_id))
        return job_from_row(row) if row else None

    async def delete_job(self, job_id: str, key_id: str) -> Job | None:
        async with self._write() as conn:
            row = (
                await conn.execute(
                    update(jobs)
                    .where(
                        jobs.c.id == job_id,
                        jobs.c.key_id == key_id,
                        jobs.c.status.not_in(ACTIVE),
                        jobs.c.deleted.is_(False),
                    )
                    .values(deleted=True, updated_at=time.time())
                    .returning(*jobs.c)
                )
            ).first()
        return job_from_row(row) if row else None

    # ---------------------------------------------------------------- jobs, worker side

    async def claim(
        self,
        owner: str,
        requests: Sequence[ClaimRequest],
        lease_seconds: float,
        max_attempts: int = 1_000_000,
    ) -> list[Job]:
        claimed: list[Job] = []
        now = time.time()
        for request in requests:
            if request.limit <= 0:
                continue
            picked = (
                select(jobs.c.id)
                .where(
                    jobs.c.status.in_(ACTIVE),
                    jobs.c.deployment == request.deployment,
                    or_(jobs.c.lease_expires_at.is_(None), jobs.c.lease_expires_at < now),
                    jobs.c.attempts < max_attempts,
                )
                .order_by(jobs.c.created_at)
                .limit(request.limit)
            )
            if self.dialect == "postgresql":
                picked = picked.with_for_update(skip_locked=True)
            stmt = (
                update(jobs)
                .where(jobs.c.id.in_(picked.scalar_subquery()))
                .values(
                    lease_owner=owner,
                    lease_expires_at=now + lease_seconds,
                    attempts=jobs.c.attempts + 1,
                    started_at=func.coalesce(jobs.c.started_at, now),
                    updated_at=now,
                )
                .returning(*jobs.c)
            )
            async with self._write() as conn:
                rows = (await conn.execute(stmt)).all()
            claimed.extend(job_from_row(r) for r in rows)
        return sorted(claimed, key=lambda j: j.created_at)

    async def heartbeat(self, owner: str, lease_seconds: float) -> set[str]:
        # Only the ids with a cancel request come back: a worker may hold ten thousand jobs,
        # and reading a row for each every few seconds held the event loop for tens of ms.
        held = (jobs.c.lease_owner == owner, jobs.c.status.in_(ACTIVE))
        async with self._write() as conn:
            await conn.execute(
                update(jobs).where(*held).values(lease_expires_at=time.time() + lease_seconds)
            )
            cancels = await conn.execute(select(jobs.c.id).where(*held, jobs.c.cancel_requested))
            return set(cancels.scalars().all())

    async def report(
        self,
        job_id: str,
        owner: str,
        *,
        status: JobStatus,
        progress: int,
        upstream_status: str | None,
    ) -> bool:
        return await self._update_held(
            job_id,
            owner,
            status=status.value,
            progress=progress,
            upstream_status=upstream_status,
        )

    async def save_upstream(self, job_id: str, owner: str, state: Mapping[str, Any] | None) -> bool:
        return await self._update_held(
            job_id, owner, upstream=dict(state) if state is not None else null()
        )

    async def release(self, job_id: str, owner: str, *, deployment: str, engine: str) -> bool:
        return await self._update_held(
            job_id,
            owner,
            event=JobEvent.queued(deployment),
            lease_owner=None,
            lease_expires_at=None,
            attempts=jobs.c.attempts - 1,
            deployment=deployment,
            engine=engine,
        )

    async def hand_back(self, owner: str) -> int:
        """Release every lease of ``owner`` as it was (a graceful shutdown is not a crash)."""
        statement = (
            update(jobs)
            .where(jobs.c.lease_owner == owner, jobs.c.status.in_(ACTIVE))
            .values(
                lease_owner=None,
                lease_expires_at=None,
                attempts=jobs.c.attempts - 1,
                updated_at=time.time(),
            )
            .returning(jobs.c.deployment)
        )
        async with self._write() as conn:
            released = (await conn.execute(statement)).scalars().all()
            for deployment in sorted(set(released)):
                await publish(conn, JobEvent.queued(deployment))
        return len(released)

    async def _update_held(
        self, job_id: str, owner: str, *, event: JobEvent | None = None, **values: Any
    ) -> bool:
        async with self._write() as conn:
            return await conn.run_sync(update_held, job_id, owner, event, values)

    async def finish(self, job_id: str, owner: str | None, outcome: Outcome) -> Job | None:
        now = time.time()
        guard = [jobs.c.id == job_id, jobs.c.status.in_(ACTIVE)]
        if owner is None:
            guard.append(or_(jobs.c.lease_owner.is_(None), jobs.c.lease_expires_at < now))
        else:
            guard.append(jobs.c.lease_owner == owner)
        async with self._write() as conn:
            row = (
                await conn.execute(
                    update(jobs)
                    .where(*guard)
                    .values(_outcome_values(outcome, now))
                    .returning(*jobs.c)
                )
            ).first()
            if row is None:
                return None
            job = job_from_row(row)
            if outcome.refund:
                await _refund(conn, job, now)
            await enqueue_for_job(conn, job, now)
        return job

    async def fail_exhausted(self, max_attempts: int) -> list[Job]:
        outcome = Outcome(
            JobStatus.FAILED,
            refund=True,
            error=JobError(
                "engine_crashed",
                f"the worker running this job stopped {max_attempts} times; it was given up "
                "and the credits were refunded",
            ),
        )
        return await self._end_unheld(jobs.c.attempts >= max_attempts, outcome)

    async def fail_overdue(self, created_before: float) -> list[Job]:
        """End jobs past their deadline that no worker holds (say, no worker serves them)."""
        outcome = Outcome(
            JobStatus.FAILED,
            refund=True,
            error=JobError(
                "timeout",
                "no worker finished this generation before its deadline; the credits were refunded",
            ),
        )
        return await self._end_unheld(jobs.c.created_at < created_before, outcome)

    async def _end_unheld(self, condition: Any, outcome: Outcome) -> list[Job]:
        now = time.time()
        unheld = or_(jobs.c.lease_expires_at.is_(None), jobs.c.lease_expires_at < now)
        async with self._read() as conn:
            result = await conn.execute(
                select(jobs.c.id).where(jobs.c.status.in_(ACTIVE), condition, unheld)
            )
            ids = result.scalars().all()
        ended = [await self.finish(job_id, None, outcome) for job_id in ids]
        return [job for job in ended if job is not None]

    # ---------------------------------------------------------------- instance values

    async def get_or_set_instance_value(self, name: str, value: str) -> str:
        # The dialect's own INSERT (both spell ON CONFLICT DO NOTHING alike); imported here
        # so that a SQLite server does not load the PostgreSQL dialect.
        dialect_insert = import_module(f"sqlalchemy.dialects.{self.dialect}").insert
        async with self._write() as conn:
            await conn.execute(
                dialect_insert(instance).values(name=name, value=value).on_conflict_do_nothing()
            )
            stored = (
                await conn.execute(select(instance.c.value).where(instance.c.name == name))
            ).scalar_one()
        return str(stored)

    async def purge_idempotency(self, older_than: float) -> int:
        async with self._write() as conn:
            result = await conn.execute(
                delete(idempotency_keys).where(idempotency_keys.c.created_at < older_than)
            )
        return int(result.rowcount or 0)


# -------------------------------------------------------------------- statement helpers


# The statements of every create, poll and key lookup, built once: SQLAlchemy then only
# binds the values.
_INSERT_JOB = insert(jobs)
JOB_BY_ID = select(jobs).where(jobs.c.id == bindparam("job_id"), jobs.c.deleted.is_(False))
OWN_JOB_BY_ID = JOB_BY_ID.where(jobs.c.key_id == bindparam("key_id"))
_RESERVE = (
    update(api_keys)
    .where(api_keys.c.id == bindparam("reserving_key"), api_keys.c.balance >= bindparam("price"))
    .values(balance=api_keys.c.balance - bindparam("price"))
    .returning(api_keys.c.balance)
)
_APPEND_LEDGER = insert(ledger)
KEY_BY_HASH = select(api_keys).where(api_keys.c.secret_hash == bindparam("secret_hash"))


def insert_job(conn: StatementRunner, job: Job, idempotency: IdempotentCreate | None) -> Job:
    """The create transaction's statements (the caller begins and commits): the earlier job
    of a repeated idempotency key, or the reservation, the row and the queue event."""
    if idempotency is not None:
        earlier = _earlier_job(conn, job.key_id, idempotency)
        if earlier is not None:
            return earlier
    if job.price:
        _reserve(conn, job)
    conn.execute(_INSERT_JOB, job_values(job))
    if idempotency is not None:
        _remember_idempotency(conn, job, idempotency)
    notify(conn, JobEvent.queued(job.deployment))
    return job


def select_job(conn: StatementRunner, job_id: str, key_id: str | None) -> Job | None:
    """The job ``job_id`` unless deleted; with ``key_id``, only if that key owns it."""
    if key_id is None:
        row = conn.execute(JOB_BY_ID, {"job_id": job_id}).first()
    else:
        row = conn.execute(OWN_JOB_BY_ID, {"job_id": job_id, "key_id": key_id}).first()
    return job_from_row(row) if row else None


def update_held(
    conn: Connection,
    job_id: str,
    owner: str,
    event: JobEvent | None,
    values: Mapping[str, Any],
) -> bool:
    """Update a job ``owner`` still holds (an active job under its lease); False if not."""
    result = conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.lease_owner == owner, jobs.c.status.in_(ACTIVE))
        .values(updated_at=time.time(), **values)
    )
    if result.rowcount and event is not None:
        notify(conn, event)
    return bool(result.rowcount)


def select_key_by_hash(conn: StatementRunner, secret_hash: str) -> ApiKey | None:
    row = conn.execute(KEY_BY_HASH, {"secret_hash": secret_hash}).first()
    return key_from_row(row) if row else None


def _reserve(conn: StatementRunner, job: Job) -> None:
    balance = conn.execute(
        _RESERVE, {"reserving_key": job.key_id, "price": job.price}
    ).scalar_one_or_none()
    if balance is None:
        current = conn.execute(
            select(api_keys.c.balance).where(api_keys.c.id == job.key_id)
        ).scalar_one()
        raise InsufficientCredits(price=job.price, balance=int(current))
    _append_ledger(
        conn,
        job.key_id,
        LedgerKind.RESERVE,
        -job.price,
        int(balance),
        job.id,
        job.model,
        job.created_at,
    )


async def _refund(conn: DatabaseConnection, job: Job, now: float) -> None:
    if not job.price:
        return
    balance = (
        await conn.execute(
            update(api_keys)
            .where(api_keys.c.id == job.key_id)
            .values(balance=api_keys.c.balance + job.price)
            .returning(api_keys.c.balance)
        )
    ).scalar_one()
    await conn.run_sync(
        _append_ledger,
        job.key_id,
        LedgerKind.REFUND,
        job.price,
        int(balance),
        job.id,
        job.error.name if job.error else job.status.value,
        now,
    )


def _append_ledger(
    conn: StatementRunner,
    key_id: str,
    kind: LedgerKind,
    amount: int,
    balance_after: int,
    job_id: str | None,
    note: str | None,
    now: float,
) -> None:
    conn.execute(
        _APPEND_LEDGER,
        {
            "key_id": key_id,
            "job_id": job_id,
            "kind": kind.value,
            "amount": amount,
            "balance_after": balance_after,
            "note": note,
            "created_at": now,
        },
    )


def _outcome_values(outcome: Outcome, now: float) -> dict[str, Any]:
    values: dict[str, Any] = {
        "status": outcome.status.value,
        "refunded": outcome.refund,
        "lease_owner": None,
        "lease_expires_at": None,
        "finished_at": now,
        "updated_at": now,
    }
    if outcome.error is not None:
        values["error_name"] = outcome.error.name
        values["error_message"] = outcome.error.message
    if outcome.result is not None:
        values["result"] = result_values(outcome.result)
        values["progress"] = 100
    return values


def _earlier_job(conn: StatementRunner, key_id: str, idempotency: IdempotentCreate) -> Job | None:
    row = conn.execute(
        select(idempotency_keys).where(
            idempotency_keys.c.key_id == key_id,
            idempotency_keys.c.idempotency_key == idempotency.key,
        )
    ).first()
    if row is None:
        return None
    if row.created_at < time.time() - IDEMPOTENCY_TTL:
        conn.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.key_id == key_id,
                idempotency_keys.c.idempotency_key == idempotency.key,
            )
        )
        return None
    if row.request_hash != idempotency.request_hash:
        raise Conflict(
            f"Idempotency-Key {idempotency.key!r} was already used with a different request "
            "body; use a new key for a new request"
        )
    job_row = conn.execute(select(jobs).where(jobs.c.id == row.job_id)).one()
    return job_from_row(job_row)


def _remember_idempotency(conn: StatementRunner, job: Job, idempotency: IdempotentCreate) -> None:
    conn.execute(
        insert(idempotency_keys).values(
            key_id=job.key_id,
            idempotency_key=idempotency.key,
            request_hash=idempotency.request_hash,
            job_id=job.id,
            created_at=job.created_at,
        )
    )
