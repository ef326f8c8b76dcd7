"""Reads by key on the event loop's thread: the stdlib driver running SQL compiled once.

A poll is one SELECT by primary key. Through SQLAlchemy's Core, even with the statement
built once, each execution checks a connection out of the pool, builds an execution
context and a result object, and maps the row: about three quarters of the read's CPU in a
profile. Here SQLAlchemy compiles the same statement once (``store.JOB_BY_ID`` …) for the
SQLite dialect; each read then binds its values in the compiled order, runs the SQL on one
``sqlite3`` connection, and decodes the JSON columns the table declares.

The connection never waits: ``busy_timeout=0``, so the rare "database is locked" (a WAL
recovery after another process crashed) surfaces as ``sqlite3.OperationalError`` at once,
and the caller retries through the regular pool, off the loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import JSON, Select
from sqlalchemy.dialects import sqlite

from vidgate.store.sql.connections import loads, sqlite_pragmas

Decode = Callable[[Any], Any] | None


class CompiledRead:
    """One SELECT, compiled for SQLite: its SQL, its parameters' order, its columns."""

    def __init__(self, statement: Select[Any]) -> None:
        compiled = statement.compile(dialect=sqlite.dialect())
        self.sql = compiled.string
        self.parameters = tuple(compiled.positiontup or ())
        self.columns: tuple[tuple[str, Decode], ...] = tuple(
            (column.name, loads if isinstance(column.type, JSON) else None)
            for column in statement.selected_columns
        )

    def first(
        self, connection: sqlite3.Connection, values: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        row = connection.execute(self.sql, [values[name] for name in self.parameters]).fetchone()
        if row is None:
            return None
        return {
            name: value if decode is None or value is None else decode(value)
            for (name, decode), value in zip(self.columns, row, strict=True)
        }


def loop_connection(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False)
    sqlite_pragmas(connection, None)
    connection.execute("PRAGMA busy_timeout=0")
    return connection
