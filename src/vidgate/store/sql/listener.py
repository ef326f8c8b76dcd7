"""Job events over PostgreSQL's LISTEN/NOTIFY, the listening side.

``JobEventListener`` holds one asyncpg connection outside the pool (a pooled connection
would be reset and returned), checks it with a query now and then (a silently dropped TCP
connection sends no termination), and reconnects after any loss. Events sent while it was
disconnected are lost, so after each (re)connection it calls ``on_connected`` and the
owner polls once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

from vidgate.store.events import JobEvent
from vidgate.store.sql.notifications import CHANNEL, asyncpg_dsn

log = logging.getLogger("vidgate.notifications")

CONNECT_TIMEOUT = 10.0


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
