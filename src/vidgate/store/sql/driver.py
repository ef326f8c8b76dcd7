"""SQLAlchemy statements run straight on one ``sqlite3`` connection, each compiled once.

A poll is one SELECT by key and a create one short transaction. Through SQLAlchemy's
``Connection``, even with the statements built once, every execution checks a connection
out of the pool, derives the statement's cache key, builds an execution context and a
result: most of a poll's CPU, and two thirds of the SQL cost of a create (0.09 ms against
0.03 ms for the same transaction on the driver). ``DriverConnection`` offers the part of
``Connection.execute`` that the store's read and create statements use, on the driver:

- SQLAlchemy compiles each statement for SQLite; a statement built once (the store's
  module constants) is compiled once per set of parameter names;
- values are bound in the compiled order; JSON columns are serialized as SQLAlchemy would
  (``none_as_null`` honoured), other types go to the driver as they are;
- rows come back by name (attribute or ``_mapping``), JSON columns decoded, booleans as
  ``bool``: what ``rows.py`` reads.

Written by hand because SQLAlchemy offers no lighter execution path; a statement using a
column type this does not know is refused when compiled, not silently mis-bound.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError, MultipleResultsFound, NoResultFound
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeDecorator, TypeEngine

from vidgate.store.sql.connections import dumps, loads

Convert = Callable[[Any], Any] | None
_DIALECT = sqlite.dialect()
_PLAIN = (String, Text, Integer, Float)


class DriverRow:
    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping

    def __getattr__(self, name: str) -> Any:
        try:
            return self._mapping[name]
        except KeyError:
            raise AttributeError(name) from None


class DriverRows:
    def __init__(self, rows: list[DriverRow]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[DriverRow]:
        return iter(self._rows)

    def first(self) -> DriverRow | None:
        return self._rows[0] if self._rows else None

    def one(self) -> DriverRow:
        if not self._rows:
            raise NoResultFound("no row where one was required")
        if len(self._rows) > 1:
            raise MultipleResultsFound("several rows where one was required")
        return self._rows[0]

    def scalar_one(self) -> Any:
        return next(iter(self.one()._mapping.values()))

    def scalar_one_or_none(self) -> Any:
        row = self.first()
        if row is not None and len(self._rows) > 1:
            raise MultipleResultsFound("several rows where at most one was required")
        return None if row is None else next(iter(row._mapping.values()))


class CompiledStatement:
    """One statement compiled for SQLite: its SQL, its binds in order, its result columns."""

    def __init__(self, statement: ClauseElement, names: frozenset[str]) -> None:
        compiled = statement.compile(dialect=_DIALECT, column_keys=sorted(names))
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(f"not a SQL statement: {statement!r}")
        binds = compiled.binds
        self.sql = compiled.string
        self.defaults = {n: bind.effective_value for n, bind in binds.items() if not bind.required}
        self.binds = tuple(
            (name, _bind_converter(binds[name].type)) for name in compiled.positiontup or ()
        )
        exported = getattr(statement, "exported_columns", ())
        self.columns = tuple((column.name, _result_converter(column.type)) for column in exported)

    def run(self, connection: sqlite3.Connection, parameters: Mapping[str, Any]) -> DriverRows:
        values = {**self.defaults, **parameters} if parameters else self.defaults
        bound = [
            values[name] if convert is None else convert(values[name])
            for name, convert in self.binds
        ]
        cursor = connection.execute(self.sql, bound)
        if not self.columns:
            return DriverRows([])
        return DriverRows(
            [
                DriverRow(
                    {
                        name: value if convert is None or value is None else convert(value)
                        for (name, convert), value in zip(self.columns, row, strict=True)
                    }
                )
                for row in cursor.fetchall()
            ]
        )


class DriverConnection:
    """``execute(statement, parameters)`` as the store calls it, on a ``sqlite3`` connection
    opened in autocommit mode; the caller issues ``BEGIN IMMEDIATE``/``COMMIT`` itself."""

    dialect = _DIALECT

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.driver = connection
        self._compiled: dict[tuple[int, frozenset[str]], tuple[ClauseElement, CompiledStatement]]
        self._compiled = {}

    def execute(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> DriverRows:
        if not isinstance(statement, ClauseElement):
            raise TypeError(f"DriverConnection runs SQLAlchemy statements, not {statement!r}")
        names = frozenset(parameters or ())
        key = (id(statement), names)
        cached = self._compiled.get(key)
        if cached is None or cached[0] is not statement:
            compiled = CompiledStatement(statement, names)
            if len(self._compiled) > 256:  # statements built per call never repeat
                self._compiled.clear()
            cached = (statement, compiled)
            self._compiled[key] = cached
        try:
            return cached[1].run(self.driver, parameters or {})
        except sqlite3.IntegrityError as error:
            # As SQLAlchemy raises it: the store retries an idempotent create on it.
            raise IntegrityError(cached[1].sql, parameters, error) from error

    def close(self) -> None:
        self.driver.close()


def _bind_converter(kind: TypeEngine[Any]) -> Convert:
    kind = _underlying(kind)
    if isinstance(kind, JSON):
        none_as_null = kind.none_as_null
        return lambda value: None if value is None and none_as_null else dumps(value)
    if isinstance(kind, (Boolean, *_PLAIN)):
        return None
    raise TypeError(f"DriverConnection cannot bind a {kind!r} column")


def _result_converter(kind: TypeEngine[Any]) -> Convert:
    kind = _underlying(kind)
    if isinstance(kind, JSON):
        return loads
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, _PLAIN):
        return None
    raise TypeError(f"DriverConnection cannot read a {kind!r} column")


def _underlying(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    kind = kind.dialect_impl(_DIALECT)
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance.dialect_impl(_DIALECT)
    return kind
