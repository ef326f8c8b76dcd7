"""Job events over PostgreSQL LISTEN/NOTIFY: sent on commit, never on rollback, and a
listener that survives losing its connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg
import pytest

from tests.support.databases import fresh_postgres_database, migrated_store
from tests.support.factories import new_job, new_key
from vidgate.domain.errors import InsufficientCredits
from vidgate.store.events import JobEvent
from vidgate.store.protocol import ClaimRequest
from vidgate.store.sql import SqlStore
from vidgate.store.sql.listener import JobEventListener
from vidgate.store.sql.notifications import asyncpg_dsn

pytestmark = pytest.mark.postgres


@dataclass
class Heard:
    events: list[JobEvent] = field(default_factory=list)
    connections: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def event(self, event: JobEvent) -> None:
        self.events.append(event)
        self.changed.set()

    def connected(self) -> None:
        self.connections += 1
        self.changed.set()

    async def until(self, condition: object, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while not condition():  # type: ignore[operator]
                self.changed.clear()
                await self.changed.wait()


@dataclass
class Listening:
    url: str
    store: SqlStore
    heard: Heard


@pytest.fixture
async def listening() -> AsyncIterator[Listening]:
    async with fresh_postgres_database() as url, migrated_store(url) as store:
        heard = Heard()
        listener = JobEventListener(
            url, heard.event, on_connected=heard.connected, retry_seconds=0.1
        )
        task = asyncio.create_task(listener.run())
        try:
            await heard.until(lambda: heard.connections == 1)
            yield Listening(url, store, heard)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def test_creating_a_job_tells_listeners_its_deployment_has_work(
    listening: Listening,
) -> None:
    key = await listening.store.create_key(new_key())

    await listening.store.create_job(new_job(key.id, deployment="kling-main", engine="kling"))

    await listening.heard.until(lambda: listening.heard.events)
    assert listening.heard.events == [JobEvent.queued("kling-main")]


async def test_a_create_that_rolls_back_tells_nobody(listening: Listening) -> None:
    key = await listening.store.create_key(new_key(credits=10))

    with pytest.raises(InsufficientCredits):
        await listening.store.create_job(new_job(key.id, price=100, deployment="poor"))
    await listening.store.create_job(new_job(key.id, price=0, deployment="free"))

    await listening.heard.until(lambda: listening.heard.events)
    assert listening.heard.events == [JobEvent.queued("free")]


async def test_a_cancel_request_names_the_job(listening: Listening) -> None:
    key = await listening.store.create_key(new_key())
    job = await listening.store.create_job(new_job(key.id))

    await listening.store.request_cancel(job.id, key.id)

    await listening.heard.until(lambda: len(listening.heard.events) == 2)
    assert listening.heard.events[1] == JobEvent.cancel(job.id)


async def test_released_and_handed_back_jobs_are_announced_again(listening: Listening) -> None:
    store = listening.store
    key = await store.create_key(new_key())
    first = await store.create_job(new_job(key.id, deployment="primary"))
    await store.create_job(new_job(key.id, deployment="primary"))
    await store.claim("w1", [ClaimRequest("primary", 2)], lease_seconds=30)

    await store.release(first.id, "w1", deployment="backup", engine="sandbox")
    assert await store.hand_back("w1") == 1

    await listening.heard.until(lambda: len(listening.heard.events) == 4)
    assert listening.heard.events[2:] == [JobEvent.queued("backup"), JobEvent.queued("primary")]


async def test_the_listener_reconnects_after_its_connection_is_killed(
    listening: Listening,
) -> None:
    admin = await asyncpg.connect(asyncpg_dsn(listening.url))
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query ILIKE 'LISTEN%'"
        )
    finally:
        await admin.close()

    await listening.heard.until(lambda: listening.heard.connections == 2)
    key = await listening.store.create_key(new_key())
    await listening.store.create_job(new_job(key.id, deployment="after"))
    await listening.heard.until(lambda: listening.heard.events)
    assert listening.heard.events == [JobEvent.queued("after")]
