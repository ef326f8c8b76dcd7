"""Webhook deliveries: queued in the transaction that ends a job, claimed with a lease,
each attempt logged, success recorded once."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, or_, select, update

from vidgate.domain.jobs import Job
from vidgate.domain.webhooks import event_for
from vidgate.store.protocol import Attempt, Delivery
from vidgate.store.sql.connections import Connections
from vidgate.store.sql.schema import api_keys, webhook_attempts, webhook_deliveries

if TYPE_CHECKING:
    from vidgate.store.sql.connections import DatabaseConnection

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


async def enqueue_for_job(conn: DatabaseConnection, job: Job, now: float) -> None:
    """One delivery per target: the job's callback URL and the key's webhook endpoint."""
    endpoint = (
        await conn.execute(select(api_keys.c.webhook_url).where(api_keys.c.id == job.key_id))
    ).scalar_one_or_none()
    targets = list(dict.fromkeys(u for u in (job.callback_url, endpoint) if u))
    if not targets:
        return
    event = event_for(job, now)
    for index, url in enumerate(targets):
        await conn.execute(
            insert(webhook_deliveries).values(
                id=f"{event.id}_{index}",
                key_id=job.key_id,
                job_id=job.id,
                event_type=event.type,
                url=url,
                payload=event.payload,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )


class SqlWebhookStore:
    def __init__(self, connections: Connections) -> None:
        self._db = connections

    async def set_endpoint(self, key_id: str, url: str | None, secret: str | None) -> None:
        values: dict[str, Any] = {"webhook_url": url}
        if secret is not None:
            values["webhook_secret"] = secret
        async with self._db.writer.begin() as conn:
            await conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(values))

    async def endpoint(self, key_id: str) -> tuple[str | None, str | None]:
        async with self._db.reader.connect() as conn:
            row = (
                await conn.execute(
                    select(api_keys.c.webhook_url, api_keys.c.webhook_secret).where(
                        api_keys.c.id == key_id
                    )
                )
            ).one()
        return row.webhook_url, row.webhook_secret

    async def claim_due(self, owner: str, limit: int, lease_seconds: float) -> list[Delivery]:
        now = time.time()
        picked = (
            select(webhook_deliveries.c.id)
            .where(
                webhook_deliveries.c.status == PENDING,
                webhook_deliveries.c.next_attempt_at <= now,
                or_(
                    webhook_deliveries.c.claimed_until.is_(None),
                    webhook_deliveries.c.claimed_until < now,
                ),
            )
            .order_by(webhook_deliveries.c.next_attempt_at)
            .limit(limit)
        )
        if self._db.dialect == "postgresql":
            picked = picked.with_for_update(skip_locked=True)
        async with self._db.writer.begin() as conn:
            rows = (
                await conn.execute(
                    update(webhook_deliveries)
                    .where(webhook_deliveries.c.id.in_(picked.scalar_subquery()))
                    .values(claimed_by=owner, claimed_until=now + lease_seconds)
                    .returning(*webhook_deliveries.c)
                )
            ).all()
        return [_delivery(r._mapping) for r in rows]

    async def record_attempt(
        self,
        delivery: Delivery,
        owner: str,
        attempt: Attempt,
        *,
        delivered: bool,
        retry_at: float | None,
    ) -> bool:
        """Log the attempt and move the delivery on; False if we no longer held it."""
        status = DELIVERED if delivered else (PENDING if retry_at is not None else FAILED)
        async with self._db.writer.begin() as conn:
            moved = await conn.execute(
                update(webhook_deliveries)
                .where(
                    webhook_deliveries.c.id == delivery.id,
                    webhook_deliveries.c.status == PENDING,
                    webhook_deliveries.c.claimed_by == owner,
                )
                .values(
                    status=status,
                    attempts=webhook_deliveries.c.attempts + 1,
                    next_attempt_at=retry_at if retry_at is not None else attempt.at,
                    claimed_by=None,
                    claimed_until=None,
                    delivered_at=attempt.at if delivered else None,
                )
            )
            if not moved.rowcount:
                return False
            await conn.execute(
                insert(webhook_attempts).values(
                    delivery_id=delivery.id,
                    attempt=attempt.attempt,
                    at=attempt.at,
                    status_code=attempt.status_code,
                    error=attempt.error,
                    duration_ms=attempt.duration_ms,
                )
            )
        return True

    async def deliveries(
        self, key_id: str, *, limit: int, job_id: str | None = None
    ) -> list[tuple[Delivery, list[Attempt]]]:
        query = select(webhook_deliveries).where(webhook_deliveries.c.key_id == key_id)
        if job_id is not None:
            query = query.where(webhook_deliveries.c.job_id == job_id)
        query = query.order_by(webhook_deliveries.c.created_at.desc()).limit(limit)
        async with self._db.reader.connect() as conn:
            rows = (await conn.execute(query)).all()
            ids = [r.id for r in rows]
            attempt_rows = (
                await conn.execute(
                    select(webhook_attempts)
                    .where(webhook_attempts.c.delivery_id.in_(ids))
                    .order_by(webhook_attempts.c.id)
                )
            ).all()
        attempts: dict[str, list[Attempt]] = {i: [] for i in ids}
        for a in attempt_rows:
            attempts[a.delivery_id].append(
                Attempt(a.attempt, a.at, a.status_code, a.error, a.duration_ms)
            )
        return [(_delivery(r._mapping), attempts[r.id]) for r in rows]


def _delivery(m: Any) -> Delivery:
    return Delivery(
        id=m["id"],
        key_id=m["key_id"],
        job_id=m["job_id"],
        event_type=m["event_type"],
        url=m["url"],
        payload=m["payload"],
        status=m["status"],
        attempts=int(m["attempts"]),
        next_attempt_at=m["next_attempt_at"],
        created_at=m["created_at"],
        delivered_at=m["delivered_at"],
    )
