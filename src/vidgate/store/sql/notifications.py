"""Job events over PostgreSQL's LISTEN/NOTIFY, the publishing side.

``publish`` runs inside the store's transaction; PostgreSQL delivers the notification when
that transaction commits, and not at all when it rolls back. The listening side is
``listener.py`` (it needs asyncpg, which a SQLite deployment never loads).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from vidgate.store.events import JobEvent
from vidgate.store.sql.runner import StatementRunner

if TYPE_CHECKING:
    from vidgate.store.sql.connections import DatabaseConnection

CHANNEL = "vidgate_jobs"


def notify(conn: StatementRunner, event: JobEvent) -> None:
    """Notify listeners when ``conn``'s transaction commits (PostgreSQL; elsewhere nothing)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_notify(CHANNEL, event.encode())))


async def publish(conn: DatabaseConnection, event: JobEvent) -> None:
    """``notify`` from async code."""
    if conn.dialect.name == "postgresql":
        await conn.run_sync(notify, event)


def asyncpg_dsn(database_url: str) -> str:
    """``postgresql+asyncpg://…`` (SQLAlchemy's form) as the plain DSN asyncpg takes.

    SQLAlchemy hands ``?ssl=require`` to ``asyncpg.connect(ssl=…)``; in a DSN the same
    option is spelled ``sslmode``.
    """
    url = make_url(database_url).set(drivername="postgresql")
    query = dict(url.query)
    if "ssl" in query:
        query["sslmode"] = query.pop("ssl")
    return url.set(query=query).render_as_string(hide_password=False)
