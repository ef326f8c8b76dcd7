"""The SQL implementation of the store: schema, connections, statements."""

from vidgate.store.sql.store import SqlStore

__all__ = ["SqlStore"]
