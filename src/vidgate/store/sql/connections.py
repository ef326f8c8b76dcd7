"""Database connections: one writer and a reader pool on SQLite, one pool on PostgreSQL.

SQLite allows one writer at a time. A single writer connection queues writers in-process
(a fair FIFO wait for it), and ``BEGIN IMMEDIATE`` with a busy timeout covers other
processes; readers use their own autocommit connections, which WAL lets run beside the
writer. SQLite's connections are the standard driver's on threads (``threaded.py``);
PostgreSQL's are SQLAlchemy's asyncio extension over asyncpg, imported only for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from vidgate.store.sql.threaded import ThreadedConnection, ThreadedEngine

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    Database: TypeAlias = AsyncEngine | ThreadedEngine
    """What the store needs of an engine: ``begin()``, ``connect()``, ``dispose()``."""

    DatabaseConnection: TypeAlias = AsyncConnection | ThreadedConnection
    """What the store needs of a connection: ``execute``, ``run_sync``, ``dialect``."""

SQLITE_READERS = 8
SQLITE_WRITER_WAIT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Connections:
    writer: Database
    reader: Database
    dialect: str

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


loads = orjson.loads


def connect(url: str, *, pool_size: int = 10) -> Connections:
    if url.startswith("sqlite"):
        return _connect_sqlite(url)
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        json_serializer=dumps,
        json_deserializer=loads,
    )
    return Connections(writer=engine, reader=engine, dialect=engine.dialect.name)


def _connect_sqlite(url: str) -> Connections:
    writer = ThreadedEngine(
        sqlite_engine(url, pool_size=1),
        size=1,
        thread_name="vidgate-sqlite-writer",
        checkout_timeout=SQLITE_WRITER_WAIT_SECONDS,
    )
    event.listen(writer.sync_engine, "begin", begin_immediate)
    reader = ThreadedEngine(
        sqlite_engine(url, pool_size=SQLITE_READERS),
        size=SQLITE_READERS,
        thread_name="vidgate-sqlite-reader",
    )
    return Connections(writer=writer, reader=reader, dialect="sqlite")


def sqlite_engine(url: str | URL, *, pool_size: int) -> Engine:
    """A synchronous engine on the standard driver for a ``sqlite[+driver]://`` URL; its
    connections may move between threads (one user at a time)."""
    engine = create_engine(
        make_url(url).set(drivername="sqlite+pysqlite"),
        pool_size=pool_size,
        max_overflow=0,
        json_serializer=dumps,
        json_deserializer=loads,
        connect_args={"check_same_thread": False},
    )
    event.listen(engine, "connect", sqlite_pragmas)
    return engine


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide where transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA busy_timeout=15000",
        "PRAGMA foreign_keys=ON",
    ):
        cursor.execute(pragma)
    cursor.close()


def begin_immediate(conn: Connection) -> None:
    # Straight to the driver: ``exec_driver_sql`` would build an execution context and a
    # result for it, a fifth of a create's CPU.
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
