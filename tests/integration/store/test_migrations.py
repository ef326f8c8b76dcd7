"""The Alembic migrations build exactly the schema the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from vidgate.store.migrate import HEAD_REVISION, head_revision, is_current, migrate
from vidgate.store.sql.connections import connect
from vidgate.store.sql.indexes import metadata


def _differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


async def test_migrations_match_the_declared_schema(db_url: str) -> None:
    connections = connect(db_url)
    try:
        assert not await is_current(connections)
        await migrate(connections)
        await migrate(connections)  # a second run finds the schema at head and does nothing
        assert await is_current(connections)
        async with connections.reader.connect() as conn:
            assert await conn.run_sync(_differences) == []
    finally:
        await connections.dispose()


def test_the_head_revision_the_code_knows_is_alembics_head() -> None:
    assert head_revision() == HEAD_REVISION
