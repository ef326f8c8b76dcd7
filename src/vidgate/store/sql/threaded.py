"""SQLAlchemy's synchronous engine behind the async calls the store makes, for SQLite.

The store is written once against an async connection: ``execute`` and ``run_sync`` inside
``begin()`` or ``connect()``. On PostgreSQL that is SQLAlchemy's asyncio extension over
asyncpg. SQLite's driver is synchronous, so here each call is one hand-off to a thread (a
checkout with its ``BEGIN``, each statement with its rows read, the ``COMMIT`` with the
check-in). Under the asyncio extension, aiosqlite made two or three hand-offs per
statement, and the extension (with the ORM it imports) and aiosqlite cost a SQLite server
~8 MB resident.

A ``ThreadedEngine`` lends at most ``size`` connections at once. Each lent connection runs
every call on the one thread of its slot, in order (a cleanup after a cancelled call
queues behind it), and waiting for a slot happens on the event loop in FIFO order, never
in a thread, so no thread blocks on a connection the event loop has yet to give back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import URL, Connection, CursorResult, Engine
from sqlalchemy.engine import Dialect, IteratorResult
from sqlalchemy.engine.result import SimpleResultMetaData
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.sql import Executable

P = ParamSpec("P")
T = TypeVar("T")


class BufferedResult(IteratorResult[Any]):
    """A statement's answer read in full on the connection's thread: its rows, with the
    whole of SQLAlchemy's ``Result`` interface, and the number of rows it changed."""

    def __init__(self, result: CursorResult[Any]) -> None:
        if result.returns_rows:
            frozen = result.freeze()
            super().__init__(frozen.metadata, iter(frozen.data))
        else:
            super().__init__(SimpleResultMetaData([]), iter(()))
        # Read after the rows: SQLite counts an UPDATE ... RETURNING as it is fetched.
        self.rowcount = result.rowcount


class ThreadedConnection:
    """One lent connection; every call runs on its slot's thread."""

    def __init__(self, connection: Connection, slot: ThreadPoolExecutor) -> None:
        self.sync_connection = connection
        self._slot = slot

    @property
    def dialect(self) -> Dialect:
        return self.sync_connection.dialect

    async def execute(
        self, statement: Executable, parameters: dict[str, Any] | None = None
    ) -> BufferedResult:
        return await self._call(_buffered, self.sync_connection, statement, parameters)

    async def run_sync(
        self,
        fn: Callable[Concatenate[Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        return await self._call(fn, self.sync_connection, *args, **kwargs)

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.wrap_future(self._slot.submit(fn, *args, **kwargs))


class ThreadedEngine:
    """``begin()`` and ``connect()`` as SQLAlchemy's ``AsyncEngine`` has them, over ``engine``
    (whose pool must hold at least ``size`` connections), plus ``transaction`` and ``run``:
    a whole unit of work in one hand-off."""

    def __init__(
        self,
        engine: Engine,
        *,
        size: int,
        thread_name: str,
        checkout_timeout: float | None = None,
    ) -> None:
        self.sync_engine = engine
        self._checkout_timeout = checkout_timeout
        self._slots = [
            ThreadPoolExecutor(1, thread_name_prefix=f"{thread_name}-{i}") for i in range(size)
        ]
        # Last in, first out: a lightly used engine keeps reusing one warm thread.
        self._free: asyncio.LifoQueue[ThreadPoolExecutor] = asyncio.LifoQueue()
        for slot in self._slots:
            self._free.put_nowait(slot)

    @property
    def url(self) -> URL:
        return self.sync_engine.url

    @property
    def dialect(self) -> Dialect:
        return self.sync_engine.dialect

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[ThreadedConnection]:
        """A connection, as SQLAlchemy lends one: its first statement begins a transaction
        (a no-op on the readers, whose driver runs in autocommit mode) that is rolled back
        when the block ends uncommitted."""
        async with self._lend(transaction=False) as conn:
            yield conn

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[ThreadedConnection]:
        """A connection in a transaction, committed when the block ends without an error."""
        async with self._lend(transaction=True) as conn:
            yield conn

    async def transaction(
        self,
        fn: Callable[Concatenate[Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``fn(conn, ...)`` in one transaction, all in one hand-off to a thread."""

        def unit() -> T:
            with self.sync_engine.begin() as conn:
                return fn(conn, *args, **kwargs)

        async with self._slot() as slot:
            return await asyncio.wrap_future(slot.submit(unit))

    async def run(self, fn: Callable[[Connection], T]) -> T:
        """``fn(conn)`` on a connection outside a transaction, in one hand-off."""

        def unit() -> T:
            with self.sync_engine.connect() as conn:
                return fn(conn)

        async with self._slot() as slot:
            return await asyncio.wrap_future(slot.submit(unit))

    async def dispose(self) -> None:
        """Close the pool once the calls already handed to the threads are done."""
        await asyncio.to_thread(self._dispose_after_pending_calls)

    def _dispose_after_pending_calls(self) -> None:
        for slot in self._slots:
            slot.shutdown(wait=True)
        self.sync_engine.dispose()

    @asynccontextmanager
    async def _lend(self, *, transaction: bool) -> AsyncIterator[ThreadedConnection]:
        async with self._slot() as slot:
            lent: list[Connection] = []
            try:
                await asyncio.wrap_future(
                    slot.submit(_check_out, self.sync_engine, lent, transaction)
                )
                yield ThreadedConnection(lent[0], slot)
            except BaseException:
                # Not awaited (the caller may be cancelled): queued behind the calls still
                # running on the slot's thread, even a checkout whose waiter was cancelled,
                # and ahead of the slot's next user.
                slot.submit(_give_back, lent, commit=False)
                raise
            await asyncio.wrap_future(slot.submit(_give_back, lent, commit=transaction))

    @asynccontextmanager
    async def _slot(self) -> AsyncIterator[ThreadPoolExecutor]:
        try:
            async with asyncio.timeout(self._checkout_timeout):
                slot = await self._free.get()
        except TimeoutError:
            raise PoolTimeout(
                f"no database connection free within {self._checkout_timeout:g} s"
            ) from None
        try:
            yield slot
        finally:
            self._free.put_nowait(slot)


def _buffered(
    connection: Connection, statement: Executable, parameters: dict[str, Any] | None
) -> BufferedResult:
    return BufferedResult(connection.execute(statement, parameters))


def _check_out(engine: Engine, into: list[Connection], transaction: bool) -> None:
    connection = engine.connect()
    into.append(connection)
    if transaction:
        connection.begin()


def _give_back(lent: list[Connection], *, commit: bool) -> None:
    for connection in lent:
        try:
            if commit:
                connection.commit()
        finally:
            connection.close()  # rolls back what was left uncommitted
