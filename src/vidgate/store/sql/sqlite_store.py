"""The embedded SQLite store: the calls every client makes, without a thread hand-off.

A poll (``get_job``, after ``find_key_by_hash`` when the key is not cached) and a create
(``create_job``) are most of an API process's traffic, and a worker following vendor jobs
writes each one's progress and task state (``_update_held``) many times. Everything else
runs as ``SqlStore`` has it, on the threaded engines of ``connections.py``; these run on
the event loop's own thread with the standard ``sqlite3`` driver, the same statements as
``SqlStore``:

- a poll and a key lookup read on the loop, with the SQL compiled once (``driver.py``).
  A read by primary or unique key in WAL mode does not wait for writers; should SQLite
  still answer "busy" (a WAL recovery after another process crashed), the read is retried
  through the reader threads.
- a create, and an update of a held job, takes SQLite's write lock like every other
  writer (``BEGIN IMMEDIATE``), so it serializes with the other writes of this process
  and with other processes. When the lock is free it runs right there on the loop
  (appending a few pages to the WAL, no disk sync: ~0.1 ms); when another writer holds
  it, the transaction goes to the writer's thread, in one hand-off, to wait its turn
  there, so the loop never waits for a lock. The loop never checkpoints either: every
  200 of its commits the writer's thread empties the WAL.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, event
from sqlalchemy.exc import OperationalError

from vidgate.domain.accounts import ApiKey
from vidgate.domain.jobs import Job
from vidgate.store.events import JobEvent
from vidgate.store.protocol import IdempotentCreate
from vidgate.store.sql.connections import (
    Connections,
    begin_immediate,
    sqlite_engine,
    sqlite_pragmas,
)
from vidgate.store.sql.driver import DriverConnection
from vidgate.store.sql.runner import StatementRunner
from vidgate.store.sql.store import (
    SqlStore,
    insert_job,
    select_job,
    select_key_by_hash,
    update_held,
)
from vidgate.store.sql.threaded import ThreadedEngine

P = ParamSpec("P")
CHECKPOINT_EVERY = 200  # loop commits: ~1,000 WAL pages, SQLite's own autocheckpoint size
log = logging.getLogger("vidgate.store")
T = TypeVar("T")


class SqliteStore(SqlStore):
    def __init__(self, connections: Connections) -> None:
        super().__init__(connections)
        assert isinstance(connections.writer, ThreadedEngine)
        self._writer = connections.writer
        url = self._writer.url
        self._loop = DriverConnection(loop_connection(str(url.database)))
        self._loop_writer = sqlite_engine(url, pool_size=1)
        event.listen(self._loop_writer, "connect", _never_wait_nor_checkpoint)
        event.listen(self._loop_writer, "begin", begin_immediate)
        self._loop_commits = 0
        self._checkpoint: asyncio.Task[None] | None = None

    async def get_job(self, job_id: str, key_id: str | None = None) -> Job | None:
        try:
            return select_job(self._loop, job_id, key_id)
        except sqlite3.OperationalError:
            return await super().get_job(job_id, key_id)

    async def find_key_by_hash(self, secret_hash: str) -> ApiKey | None:
        try:
            return select_key_by_hash(self._loop, secret_hash)
        except sqlite3.OperationalError:
            return await super().find_key_by_hash(secret_hash)

    async def _create_job(self, job: Job, idempotency: IdempotentCreate | None) -> Job:
        return await self._now_or_in_turn(
            partial(self._in_driver_transaction, insert_job, job, idempotency),
            partial(self._in_writer_thread, insert_job, job, idempotency),
        )

    async def _update_held(
        self, job_id: str, owner: str, *, event: JobEvent | None = None, **values: Any
    ) -> bool:
        # Held-job updates change varying columns: SQLAlchemy's compiled cache suits them.
        return await self._now_or_in_turn(
            partial(self._in_loop_engine_transaction, update_held, job_id, owner, event, values),
            partial(self._in_writer_thread, update_held, job_id, owner, event, values),
        )

    async def _now_or_in_turn(self, now: Callable[[], T], in_turn: Callable[[], Awaitable[T]]) -> T:
        """A write transaction on the loop's thread when SQLite's write lock is free (no
        hand-off: a short transaction appends to the WAL without syncing), else on the
        writer thread, which waits its turn. While this store empties the WAL (a few ms),
        writes wait for it rather than queue on the thread: once a backlog builds there,
        every later write would find the lock busy and follow it."""
        if self._checkpoint is not None and not self._checkpoint.done():
            await asyncio.shield(self._checkpoint)
        try:
            result = now()
        except (OperationalError, sqlite3.OperationalError) as error:
            if not _is_busy(error):
                raise
            return await in_turn()
        self._loop_commits += 1
        if self._loop_commits % CHECKPOINT_EVERY == 0:
            self._checkpoint = asyncio.ensure_future(self._truncate_wal())
        return result

    def _in_driver_transaction(
        self,
        statements: Callable[Concatenate[StatementRunner, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        driver = self._loop.driver
        driver.execute("BEGIN IMMEDIATE")
        try:
            result = statements(self._loop, *args, **kwargs)
            driver.execute("COMMIT")
        except BaseException:
            if driver.in_transaction:
                driver.execute("ROLLBACK")
            raise
        return result

    def _in_loop_engine_transaction(
        self,
        statements: Callable[Concatenate[Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        with self._loop_writer.begin() as conn:
            return statements(conn, *args, **kwargs)

    async def _truncate_wal(self) -> None:
        """Copy the WAL into the database and empty it, on the writer's thread.

        The loop's connection never checkpoints (a checkpoint syncs the disk). Until this
        one is done, writes wait for it: a checkpoint racing a stream of new commits would
        never find the WAL complete, and it would grow forever.
        """
        try:
            await self._writer.run(_checkpoint_truncate)
        except Exception:
            log.exception("WAL checkpoint failed; the next one retries")

    async def _in_writer_thread(
        self,
        statements: Callable[Concatenate[Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``statements(conn, *args, **kwargs)`` in one transaction on the writer's thread."""
        return await self._writer.transaction(statements, *args, **kwargs)

    async def close(self) -> None:
        if self._checkpoint is not None:
            await asyncio.shield(self._checkpoint)
        self._loop_writer.dispose()
        self._loop.close()
        await super().close()


def _checkpoint_truncate(connection: Connection) -> None:
    # Straight to the driver, outside a transaction: a checkpoint cannot run inside one.
    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
        "PRAGMA wal_checkpoint(TRUNCATE)"
    )


def loop_connection(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False)
    sqlite_pragmas(connection, None)
    _never_wait_nor_checkpoint(connection, None)
    return connection


def _is_busy(error: Exception) -> bool:
    driver_error = error.orig if isinstance(error, OperationalError) else error
    return getattr(driver_error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY


def _never_wait_nor_checkpoint(dbapi_connection: Any, _record: Any) -> None:
    # Runs after ``sqlite_pragmas``: a busy lock hands the work to the writer thread at once.
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")
