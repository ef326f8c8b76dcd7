"""The threaded SQLite engine: transactions, buffered answers, waiting, cancellation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from vidgate.store.sql.connections import begin_immediate, sqlite_engine
from vidgate.store.sql.threaded import ThreadedEngine

# A statement that keeps SQLite busy for a while (a few hundred ms here).
SLOW_COUNT = text(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
    "SELECT count(*) FROM n"
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[ThreadedEngine]:
    threaded = ThreadedEngine(
        sqlite_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", pool_size=2),
        size=2,
        thread_name="test-sqlite",
        checkout_timeout=0.5,
    )
    event.listen(threaded.sync_engine, "begin", begin_immediate)  # as the writer's
    async with threaded.begin() as conn:
        await conn.execute(text("CREATE TABLE t (a INTEGER)"))
        await conn.execute(text("INSERT INTO t VALUES (1), (2)"))
    yield threaded
    await threaded.dispose()


async def count_rows(engine: ThreadedEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM t"))).scalar_one())


async def test_a_transaction_commits_when_its_block_ends_and_rolls_back_on_an_error(
    engine: ThreadedEngine,
) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO t VALUES (3)"))
    with pytest.raises(ValueError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (4)"))
            raise ValueError("the caller's own failure")

    assert await count_rows(engine) == 3


async def test_answers_come_back_read_with_rows_and_changed_row_counts(
    engine: ThreadedEngine,
) -> None:
    async with engine.begin() as conn:
        returned = await conn.execute(text("UPDATE t SET a = a + 10 RETURNING a"))
        changed = await conn.execute(text("UPDATE t SET a = a + 1 WHERE a > 11"))
        values = await conn.execute(text("SELECT a FROM t ORDER BY a"))

    assert sorted(returned.scalars().all()) == [11, 12]
    assert returned.rowcount == 2
    assert changed.rowcount == 1
    assert changed.first() is None
    assert values.scalars().all() == [11, 13]


async def test_every_call_of_a_lent_connection_runs_on_one_thread(engine: ThreadedEngine) -> None:
    def thread_of(_conn: Connection) -> int:
        return threading.get_ident()

    async with engine.connect() as conn:
        threads = {await conn.run_sync(thread_of) for _ in range(5)}

    assert len(threads) == 1
    assert threads != {threading.get_ident()}


async def test_callers_beyond_the_pool_wait_their_turn_and_all_finish(
    engine: ThreadedEngine,
) -> None:
    inside = 0
    most_inside = 0

    async def reader() -> int:
        nonlocal inside, most_inside
        async with engine.connect() as conn:
            inside += 1
            most_inside = max(most_inside, inside)
            await asyncio.sleep(0.01)  # holds its connection across an await
            inside -= 1
            return int((await conn.execute(text("SELECT count(*) FROM t"))).scalar_one())

    answers = await asyncio.gather(*(reader() for _ in range(20)))

    assert answers == [2] * 20
    assert most_inside == 2


async def test_a_wait_longer_than_the_checkout_timeout_fails_clearly(
    engine: ThreadedEngine,
) -> None:
    async with engine.connect(), engine.connect():
        with pytest.raises(PoolTimeout, match=r"no database connection free within 0\.5 s"):
            async with engine.connect():
                pass


async def test_a_caller_cancelled_mid_statement_gives_its_connection_back(
    engine: ThreadedEngine,
) -> None:
    async def slow_writer() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (99)"))
            await conn.execute(SLOW_COUNT)

    for _ in range(2):  # as many as the pool holds
        task = asyncio.create_task(slow_writer())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    # Both connections come back (with one leaked, a checkout would block its thread and
    # this would time out) and the inserts were rolled back.
    async with asyncio.timeout(10):
        for _ in range(3):
            async with engine.connect(), engine.connect():
                pass
    assert await count_rows(engine) == 2
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_transaction_and_run_are_one_hand_off_each(engine: ThreadedEngine) -> None:
    def insert(conn: Connection, value: int) -> int:
        conn.execute(text("INSERT INTO t VALUES (:v)"), {"v": value})
        return int(conn.execute(text("SELECT count(*) FROM t")).scalar_one())

    def fail(conn: Connection) -> None:
        conn.execute(text("INSERT INTO t VALUES (7)"))
        raise RuntimeError("inside the transaction")

    assert await engine.transaction(insert, 5) == 3
    with pytest.raises(RuntimeError):
        await engine.transaction(fail)
    assert await engine.run(lambda conn: conn.execute(text("SELECT count(*) FROM t")).scalar()) == 3
