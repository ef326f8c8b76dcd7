"""What the store's synchronous statement functions need of a connection: SQLAlchemy's
``Connection``, or ``driver.DriverConnection`` on the SQLite loop."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable


class Rows(Protocol):
    def first(self) -> Any: ...
    def one(self) -> Any: ...
    def scalar_one(self) -> Any: ...
    def scalar_one_or_none(self) -> Any: ...


class StatementRunner(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    def execute(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Rows: ...
