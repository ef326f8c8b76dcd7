"""The SQL implementation of the store: schema, connections, statements."""

from sqlalchemy.engine import make_url

from vidgate.store.sql.connections import Connections
from vidgate.store.sql.sqlite_store import SqliteStore
from vidgate.store.sql.store import SqlStore

__all__ = ["SqlStore", "SqliteStore", "open_store"]


def open_store(connections: Connections) -> SqlStore:
    """The store for ``connections``: the SQLite one for a database file, else ``SqlStore``."""
    url = make_url(str(connections.writer.url))
    if connections.dialect == "sqlite" and url.database not in (None, "", ":memory:"):
        return SqliteStore(connections)
    return SqlStore(connections)
