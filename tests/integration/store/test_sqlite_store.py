"""The embedded SQLite store's own paths: polls on the loop thread, creates on one thread."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.databases import migrated_store, sqlite_url
from tests.support.factories import new_job, new_key
from vidgate.store.protocol import ClaimRequest
from vidgate.store.sql import SqliteStore, SqlStore


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    async with migrated_store(sqlite_url(tmp_path)) as store:
        yield store


async def test_a_database_file_gets_the_sqlite_store(sqlite_store: SqlStore) -> None:
    assert isinstance(sqlite_store, SqliteStore)


async def test_creates_and_the_workers_claims_interleave(sqlite_store: SqlStore) -> None:
    key = await sqlite_store.create_key(new_key(credits=10_000))
    sandbox = [ClaimRequest(deployment="sandbox", limit=5)]

    async def create_many() -> None:
        for _ in range(40):
            await sqlite_store.create_job(new_job(key.id, price=100))

    async def claim_many() -> int:
        claimed = 0
        for _ in range(80):
            claimed += len(await sqlite_store.claim("w", sandbox, lease_seconds=30))
            await asyncio.sleep(0)
        return claimed

    _, claimed = await asyncio.gather(create_many(), claim_many())
    rest = [ClaimRequest(deployment="sandbox", limit=100)]
    remaining = len(await sqlite_store.claim("w", rest, lease_seconds=30))

    assert claimed + remaining == 40
    after = await sqlite_store.get_key(key.id)
    assert after is not None and after.balance == 10_000 - 40 * 100
    listed = await sqlite_store.list_jobs(key.id, after=None, limit=100, order="asc")
    assert len(listed) == 40 and [j.attempts for j in listed] == [1] * 40
