"""Several processes that start at once all run ``migrate``: the schema is built once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from tests.integration.store.test_migrations import _differences
from tests.support.databases import fresh_postgres_database
from vidgate.store.migrate import is_current, migrate
from vidgate.store.sql.connections import connect

pytestmark = pytest.mark.postgres

STARTING_TOGETHER = 6


async def test_migrations_started_together_on_a_fresh_database_build_the_schema_once() -> None:
    async with fresh_postgres_database() as url:
        # One engine each, so every migrate() has its own connection, as separate processes do.
        fleet = [connect(url) for _ in range(STARTING_TOGETHER)]
        try:
            async with asyncio.timeout(60):
                await asyncio.gather(*(migrate(connections) for connections in fleet))

            assert await is_current(fleet[0])
            async with fleet[0].reader.connect() as conn:
                versions = await conn.execute(text("SELECT count(*) FROM alembic_version"))
                assert versions.scalar_one() == 1
                assert await conn.run_sync(_differences) == []
        finally:
            await asyncio.gather(*(connections.dispose() for connections in fleet))
