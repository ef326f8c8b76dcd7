"""Database connections: one writer and a reader pool on SQLite, one pool on PostgreSQL.

SQLite allows one writer at a time. A single writer connection queues writers in-process
(a pool checkout is a fair FIFO wait), and ``BEGIN IMMEDIATE`` with a busy timeout
covers other processes; readers use their own autocommit connections, which WAL lets
run beside the writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


@dataclass(frozen=True, slots=True)
class Connections:
    writer: AsyncEngine
    reader: AsyncEngine
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
    writer = create_async_engine(
        url,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
        json_serializer=dumps,
        json_deserializer=loads,
    )
    reader = create_async_engine(
        url,
        pool_size=4,
        max_overflow=4,
        json_serializer=dumps,
        json_deserializer=loads,
    )
    for engine in (writer, reader):
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
    event.listen(writer.sync_engine, "begin", begin_immediate)
    return Connections(writer=writer, reader=reader, dialect="sqlite")


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


def begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
