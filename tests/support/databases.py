"""Fresh databases for tests: SQLite in a temp folder, PostgreSQL when configured.

PostgreSQL tests read ``VIDGATE_TEST_POSTGRES_URL`` (an asyncpg URL). Without it they are
skipped, unless ``VIDGATE_REQUIRE_POSTGRES=1`` (set by CI) makes that an error.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from vidgate.store.migrate import migrate
from vidgate.store.sql import SqlStore, open_store
from vidgate.store.sql.connections import connect

POSTGRES_URL = os.environ.get("VIDGATE_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("VIDGATE_REQUIRE_POSTGRES") == "1"


def postgres_url_or_skip() -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    if REQUIRE_POSTGRES:
        pytest.fail("VIDGATE_REQUIRE_POSTGRES=1 but VIDGATE_TEST_POSTGRES_URL is not set")
    pytest.skip("PostgreSQL not configured (set VIDGATE_TEST_POSTGRES_URL)")


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty database on the test server; dropped afterwards."""
    base = postgres_url_or_skip()
    name = f"vidgate_t_{uuid.uuid4().hex[:12]}"
    admin_dsn = base.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(admin_dsn)
    try:
        await _create_database(conn, name)
    finally:
        await conn.close()

    prefix, _, _ = base.rpartition("/")
    try:
        yield f"{prefix}/{name}"
    finally:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'vidgate.db'}"


@asynccontextmanager
async def migrated_store(url: str) -> AsyncIterator[SqlStore]:
    connections = connect(url)
    await migrate(connections)
    store = open_store(connections)
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def database_url(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield sqlite_url(tmp_path)
        return
    async with fresh_postgres_database() as url:
        yield url


async def _create_database(conn: asyncpg.Connection, name: str) -> None:
    """CREATE DATABASE copies template1 and fails while another session creates one too."""
    for attempt in range(20):
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
            return
        except asyncpg.exceptions.ObjectInUseError:
            if attempt == 19:
                raise
            await asyncio.sleep(0.1 * (attempt + 1))
