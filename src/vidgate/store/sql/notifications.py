"""Job events over PostgreSQL's LISTEN/NOTIFY: publish in a transaction, listen on a
dedicated connection.

``publish`` runs inside the store's transaction; PostgreSQL delivers the notification when
that transaction commits, and not at all when it rolls back. ``JobEventListener`` holds one
asyncpg connection outside the pool (a pooled connection would be reset and returned),
checks it with a query now and then (a silently dropped TCP connection sends no
termination), and reconnects after any loss. Events sent while it was disconnected are
lost, so after each (re)connection it calls ``on_connected`` and the owner polls once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from vidgate.store.events import JobEvent
from vidgate.store.sql.runner import StatementRunner

log = logging.getLogger("vidgate.notifications")

CHANNEL = "vidgate_jobs"
CONNECT_TIMEOUT = 10.0


def notify(conn: StatementRunner, event: JobEvent) -> None:
    """Notify listeners when ``conn``'s transaction commits (PostgreSQL; elsewhere nothing)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_notify(CHANNEL, event.encode())))


async def publish(conn: AsyncConnection, event: JobEvent) -> None:
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


class JobEventListener:
    def __init__(
        self,
        database_url: str,
        on_event: Callable[[JobEvent], None],
        *,
        on_connected: Callable[[], None] = lambda: None,
        keepalive_seconds: float = 30.0,
        retry_seconds: float = 2.0,
    ) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._on_event = on_event
        self._on_connected = on_connected
        self._keepalive = keepalive_seconds
        self._retry = retry_seconds
        self.connected = False

    async def run(self) -> None:
        """Listen until cancelled, reconnecting after every loss."""
        while True:
            try:
                await self._listen_until_lost()
                log.warning("job notifications: connection lost; reconnecting")
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("job notifications unavailable (%s); retrying", exc)
            await asyncio.sleep(self._retry)

    async def _listen_until_lost(self) -> None:
        conn = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT)
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            await conn.add_listener(CHANNEL, self._deliver)
            self.connected = True
            self._on_connected()
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), self._keepalive)
                if not lost.is_set():
                    await conn.fetchval("SELECT 1", timeout=CONNECT_TIMEOUT)
        finally:
            self.connected = False
            await _close(conn)

    def _deliver(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        event = JobEvent.decode(payload)
        if event is not None:
            self._on_event(event)


async def _close(conn: asyncpg.Connection) -> None:
    try:
        await asyncio.wait_for(conn.close(), CONNECT_TIMEOUT)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        conn.terminate()
