"""The embedded SQLite store's own paths: polls on the loop thread, creates on one thread."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from tests.support.databases import migrated_store, sqlite_url
from tests.support.factories import new_job, new_key
from vidgate.store.protocol import ClaimRequest
from vidgate.store.sql import SqliteStore, SqlStore
from vidgate.store.sql.driver import DriverConnection


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


async def test_a_poll_and_a_key_lookup_read_what_the_store_wrote(sqlite_store: SqlStore) -> None:
    new = new_key(credits=500)
    key = await sqlite_store.create_key(new)
    job = await sqlite_store.create_job(new_job(key.id, price=100, prompt="a heron"))

    read = await sqlite_store.get_job(job.id, key.id)
    found = await sqlite_store.find_key_by_hash(new.secret_hash)

    assert read == job
    assert read is not None and read.params == {"prompt": "a heron"}
    assert await sqlite_store.get_job(job.id, "another key") is None
    assert await sqlite_store.get_job("no such job") is None
    assert found is not None and found.id == key.id and found.balance == 400


class _AlwaysBusy(sqlite3.Connection):
    """What the loop's connection meets during another process's WAL recovery."""

    def execute(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:
        raise sqlite3.OperationalError("database is locked")


async def test_a_read_that_sqlite_calls_busy_is_retried_through_the_pool(
    sqlite_store: SqlStore, tmp_path: Path
) -> None:
    new = new_key()
    key = await sqlite_store.create_key(new)
    job = await sqlite_store.create_job(new_job(key.id))
    assert isinstance(sqlite_store, SqliteStore)
    sqlite_store._loop.close()
    sqlite_store._loop = DriverConnection(
        sqlite3.connect(tmp_path / "vidgate.db", factory=_AlwaysBusy)
    )

    assert await sqlite_store.get_job(job.id, key.id) == job
    found = await sqlite_store.find_key_by_hash(new.secret_hash)
    assert found is not None and found.id == key.id


async def test_a_stream_of_creates_keeps_the_wal_small(
    sqlite_store: SqlStore, tmp_path: Path
) -> None:
    key = await sqlite_store.create_key(new_key(credits=0))
    wal = tmp_path / "vidgate.db-wal"
    largest = 0
    for _ in range(1_500):
        await sqlite_store.create_job(new_job(key.id, price=0))
        largest = max(largest, wal.stat().st_size)

    listed = await sqlite_store.list_jobs(key.id, after=None, limit=100, order="asc")
    assert len(listed) == 100
    # SQLite's own autocheckpoint keeps a WAL near 1,000 pages (4 MB); without checkpoints
    # these creates would leave ~25 MB.
    assert largest < 8 * 1024 * 1024


async def test_a_create_while_another_process_writes_waits_off_the_loop(
    sqlite_store: SqlStore, tmp_path: Path
) -> None:
    key = await sqlite_store.create_key(new_key(credits=1_000))
    locker = sqlite3.connect(tmp_path / "vidgate.db", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    create = asyncio.create_task(sqlite_store.create_job(new_job(key.id, price=100)))
    await asyncio.sleep(0.3)
    waited = not create.done()
    locker.execute("COMMIT")
    locker.close()
    job = await asyncio.wait_for(create, 10)
    ticker.cancel()

    assert waited and ticks >= 10
    assert await sqlite_store.get_job(job.id, key.id) == job
    after = await sqlite_store.get_key(key.id)
    assert after is not None and after.balance == 900


async def test_a_job_written_through_the_driver_reads_the_same_through_sqlalchemy(
    sqlite_store: SqlStore,
) -> None:
    key = await sqlite_store.create_key(new_key(credits=1_000))
    job = await sqlite_store.create_job(new_job(key.id, price=250, prompt="a heron, 'quoted'"))

    through_driver = await sqlite_store.get_job(job.id, key.id)
    through_sqlalchemy = await SqlStore.get_job(sqlite_store, job.id, key.id)
    ledger = await sqlite_store.ledger(key.id, limit=10, before=None)

    assert through_driver == through_sqlalchemy == job
    assert through_sqlalchemy is not None and through_sqlalchemy.upstream is None
    reserved = ledger[0]
    assert (reserved.kind.value, reserved.amount, reserved.balance_after) == ("reserve", -250, 750)
    # upstream is SQL NULL (none_as_null), which is how a cancel knows no vendor has the job
    cancelled = await sqlite_store.cancel_queued(job.id, key.id)
    assert cancelled is not None and cancelled.status.value == "cancelled"


async def test_a_failed_create_rolls_back_and_the_next_one_commits(sqlite_store: SqlStore) -> None:
    key = await sqlite_store.create_key(new_key(credits=1_000))
    job = await sqlite_store.create_job(new_job(key.id, price=100))

    with pytest.raises(IntegrityError):  # the same id again: as SQLAlchemy would raise it
        await sqlite_store.create_job(replace(job, price=300))
    after = await sqlite_store.create_job(new_job(key.id, price=100))

    assert await sqlite_store.get_job(after.id, key.id) == after
    balance = await sqlite_store.get_key(key.id)
    assert balance is not None and balance.balance == 800  # the failed create reserved nothing
