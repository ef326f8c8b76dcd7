"""The partial indexes, each on the rows its queries look for, declared apart from the tables.

Declaring an index's PostgreSQL predicate loads SQLAlchemy's PostgreSQL dialect (~2.4 MB
resident), which a SQLite server never needs: its statements use only the tables. The
migrations and the schema check take ``metadata`` from here: the tables with every index.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, text

from vidgate.store.sql.schema import jobs, ledger, metadata, webhook_deliveries


def _partial(name: str, *columns: Column[object], where: str, unique: bool = False) -> Index:
    predicate = text(where)
    return Index(name, *columns, unique=unique, sqlite_where=predicate, postgresql_where=predicate)


PARTIAL_INDEXES = (
    # A job is reserved at most once and refunded at most once, whatever else goes wrong.
    _partial(
        "uq_ledger_job_kind",
        ledger.c.job_id,
        ledger.c.kind,
        unique=True,
        where="job_id IS NOT NULL",
    ),
    # The queue: only active jobs are in this index, so claiming stays cheap however many
    # finished jobs the table holds.
    _partial(
        "ix_jobs_queue",
        jobs.c.deployment,
        jobs.c.created_at,
        where="status IN ('queued', 'running')",
    ),
    _partial("ix_jobs_lease_owner", jobs.c.lease_owner, where="lease_owner IS NOT NULL"),
    _partial(
        "ix_webhook_deliveries_due",
        webhook_deliveries.c.next_attempt_at,
        where="status = 'pending'",
    ),
)

__all__ = ["PARTIAL_INDEXES", "metadata"]
