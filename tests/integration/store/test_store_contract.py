"""The store contract, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.support.factories import new_job, new_key
from vidgate.domain.accounts import LedgerKind
from vidgate.domain.errors import Conflict, InsufficientCredits
from vidgate.domain.jobs import JobError, JobStatus, VideoResult
from vidgate.store.protocol import ClaimRequest, IdempotentCreate, Outcome
from vidgate.store.sql import SqlStore

FAILED = Outcome(JobStatus.FAILED, refund=True, error=JobError("content_refused", "no"))


async def ledger_sum(store: SqlStore, key_id: str) -> int:
    return sum(e.amount for e in await store.ledger(key_id, limit=10_000, before=None))


async def test_creating_a_job_reserves_its_price_in_one_ledger_row(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=1000))
    job = await store.create_job(new_job(key.id, price=300))
    after = await store.get_key(key.id)
    assert after is not None and after.balance == 700
    entries = await store.ledger(key.id, limit=10, before=None)
    assert [(e.kind, e.amount, e.job_id) for e in entries] == [
        (LedgerKind.RESERVE, -300, job.id),
        (LedgerKind.GRANT, 1000, None),
    ]


async def test_a_price_above_the_balance_is_refused_and_nothing_is_stored(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=100))
    job = new_job(key.id, price=101)
    with pytest.raises(InsufficientCredits) as caught:
        await store.create_job(job)
    assert (caught.value.price, caught.value.balance) == (101, 100)
    assert await store.get_job(job.id) is None
    assert await ledger_sum(store, key.id) == 100


async def test_balance_never_goes_below_zero_under_64_concurrent_creates(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=1000))
    results = await asyncio.gather(
        *(store.create_job(new_job(key.id, price=100)) for _ in range(64)),
        return_exceptions=True,
    )
    accepted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, InsufficientCredits)]
    assert len(accepted) == 10
    assert len(refused) == 54
    final = await store.get_key(key.id)
    assert final is not None and final.balance == 0
    assert await ledger_sum(store, key.id) == 0


async def test_a_failed_job_is_refunded_exactly_once(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=500))
    job = await store.create_job(new_job(key.id, price=200))
    [claimed] = await store.claim("w1", [ClaimRequest("sandbox", 5)], 30)
    first = await store.finish(claimed.id, "w1", FAILED)
    second = await store.finish(claimed.id, "w1", FAILED)
    assert first is not None and first.status is JobStatus.FAILED and first.refunded
    assert second is None
    final = await store.get_key(key.id)
    assert final is not None and final.balance == 500
    kinds = [e.kind for e in await store.ledger(key.id, limit=10, before=None)]
    assert kinds.count(LedgerKind.REFUND) == 1
    assert (await store.get_job(job.id)).credits_used == 0  # type: ignore[union-attr]


async def test_a_succeeded_job_keeps_its_charge_and_result(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=500))
    job = await store.create_job(new_job(key.id, price=200))
    await store.claim("w1", [ClaimRequest("sandbox", 5)], 30)
    result = VideoResult("outputs/x/video.mp4", 1234, "ab" * 32, 64, 64, 8.0, 8, 1.0)
    ended = await store.finish(job.id, "w1", Outcome(JobStatus.SUCCEEDED, False, result=result))
    assert ended is not None and ended.result == result and ended.progress == 100
    assert ended.credits_used == 200
    assert (await store.get_key(key.id)).balance == 300  # type: ignore[union-attr]


async def test_claims_take_each_job_once_and_respect_the_limit(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=0))
    for _ in range(5):
        await store.create_job(new_job(key.id, price=0))
    first, second = await asyncio.gather(
        store.claim("w1", [ClaimRequest("sandbox", 3)], 30),
        store.claim("w2", [ClaimRequest("sandbox", 3)], 30),
    )
    ids = [j.id for j in first + second]
    assert len(ids) == len(set(ids)) == 5
    assert sorted([len(first), len(second)]) == [2, 3]
    assert await store.claim("w3", [ClaimRequest("sandbox", 3)], 30) == []


async def test_claims_only_take_the_named_deployment(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=0))
    await store.create_job(new_job(key.id, price=0, deployment="kling-a", engine="kling"))
    assert await store.claim("w1", [ClaimRequest("sandbox", 3)], 30) == []
    [job] = await store.claim("w1", [ClaimRequest("kling-a", 3)], 30)
    assert job.engine == "kling"


async def test_an_expired_lease_is_taken_over_and_the_old_owner_cannot_finish(
    store: SqlStore,
) -> None:
    key = await store.create_key(new_key(credits=100))
    job = await store.create_job(new_job(key.id, price=100))
    await store.claim("dead", [ClaimRequest("sandbox", 1)], 0.05)
    await asyncio.sleep(0.1)
    [taken] = await store.claim("alive", [ClaimRequest("sandbox", 1)], 30)
    assert taken.id == job.id and taken.attempts == 2
    assert await store.finish(job.id, "dead", FAILED) is None
    assert (
        await store.report(
            job.id, "dead", status=JobStatus.RUNNING, progress=5, upstream_status=None
        )
        is False
    )
    assert await store.finish(job.id, "alive", FAILED) is not None


async def test_heartbeat_extends_leases_and_reports_cancel_requests(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=0))
    job = await store.create_job(new_job(key.id, price=0))
    await store.claim("w1", [ClaimRequest("sandbox", 1)], 0.2)
    assert await store.heartbeat("w1", 30) == set()
    await asyncio.sleep(0.3)
    assert await store.claim("w2", [ClaimRequest("sandbox", 1)], 30) == []
    await store.request_cancel(job.id, key.id)
    assert await store.heartbeat("w1", 30) == {job.id}


async def test_jobs_whose_workers_died_too_often_fail_with_a_refund(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=100))
    job = await store.create_job(new_job(key.id, price=100))
    for owner in ("a", "b"):
        await store.claim(owner, [ClaimRequest("sandbox", 1)], 0.01, max_attempts=2)
        await asyncio.sleep(0.05)
    assert await store.claim("c", [ClaimRequest("sandbox", 1)], 30, max_attempts=2) == []
    [ended] = await store.fail_exhausted(2)
    assert ended.id == job.id and ended.status is JobStatus.FAILED and ended.refunded
    assert (await store.get_key(key.id)).balance == 100  # type: ignore[union-attr]


async def test_cancelling_an_unclaimed_job_refunds_and_a_held_one_is_only_flagged(
    store: SqlStore,
) -> None:
    key = await store.create_key(new_key(credits=300))
    queued = await store.create_job(new_job(key.id, price=100))
    cancelled = await store.cancel_queued(queued.id, key.id)
    assert cancelled is not None and cancelled.status is JobStatus.CANCELLED and cancelled.refunded
    held = await store.create_job(new_job(key.id, price=100))
    await store.claim("w1", [ClaimRequest("sandbox", 1)], 30)
    assert await store.cancel_queued(held.id, key.id) is None
    flagged = await store.request_cancel(held.id, key.id)
    assert flagged is not None and flagged.cancel_requested
    assert (await store.get_key(key.id)).balance == 200  # type: ignore[union-attr]


async def test_one_key_never_sees_another_keys_jobs(store: SqlStore) -> None:
    alice = await store.create_key(new_key(credits=100))
    bob = await store.create_key(new_key(credits=100))
    job = await store.create_job(new_job(alice.id, price=10))
    assert await store.get_job(job.id, bob.id) is None
    assert await store.list_jobs(bob.id, after=None, limit=10, order="desc") == []
    assert await store.cancel_queued(job.id, bob.id) is None
    assert await store.request_cancel(job.id, bob.id) is None


async def test_listing_pages_by_id_in_both_orders(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=0))
    made = []
    for index in range(5):
        made.append(
            await store.create_job(new_job(key.id, price=0, created_at=time.time() + index))
        )
        await asyncio.sleep(0.002)
    ids = [j.id for j in made]
    page = await store.list_jobs(key.id, after=None, limit=2, order="desc")
    assert [j.id for j in page] == ids[::-1][:2]
    page = await store.list_jobs(key.id, after=page[-1].id, limit=10, order="desc")
    assert [j.id for j in page] == ids[::-1][2:]
    page = await store.list_jobs(key.id, after=ids[1], limit=10, order="asc")
    assert [j.id for j in page] == ids[2:]


async def test_idempotency_key_returns_the_first_job_and_refuses_another_body(
    store: SqlStore,
) -> None:
    key = await store.create_key(new_key(credits=1000))
    first = await store.create_job(new_job(key.id, price=100), IdempotentCreate("k1", "h1"))
    again = await store.create_job(new_job(key.id, price=100), IdempotentCreate("k1", "h1"))
    assert again.id == first.id
    with pytest.raises(Conflict):
        await store.create_job(new_job(key.id, price=100), IdempotentCreate("k1", "other"))
    racing = await asyncio.gather(
        *(
            store.create_job(new_job(key.id, price=100), IdempotentCreate("k2", "h2"))
            for _ in range(8)
        )
    )
    assert len({j.id for j in racing}) == 1
    assert (await store.get_key(key.id)).balance == 800  # type: ignore[union-attr]


async def test_upstream_state_and_progress_are_kept_for_the_lease_holder(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=0))
    job = await store.create_job(new_job(key.id, price=0, deployment="k", engine="kling"))
    await store.claim("w1", [ClaimRequest("k", 1)], 30)
    assert await store.save_upstream(job.id, "w1", {"task_id": "123", "phase": "submitted"})
    assert await store.report(
        job.id, "w1", status=JobStatus.RUNNING, progress=40, upstream_status="processing"
    )
    seen = await store.get_job(job.id)
    assert seen is not None and seen.upstream == {"task_id": "123", "phase": "submitted"}
    assert (seen.status, seen.progress, seen.upstream_status) == (
        JobStatus.RUNNING,
        40,
        "processing",
    )
    assert await store.save_upstream(job.id, "w1", None)
    assert (await store.get_job(job.id)).upstream is None  # type: ignore[union-attr]


async def test_hand_back_releases_leases_without_counting_an_attempt(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=0))
    await store.create_job(new_job(key.id, price=0))
    await store.claim("w1", [ClaimRequest("sandbox", 1)], 30)
    assert await store.hand_back("w1") == 1
    [again] = await store.claim("w2", [ClaimRequest("sandbox", 1)], 30)
    assert again.attempts == 1


async def test_the_instance_value_is_set_once(store: SqlStore) -> None:
    first = await store.get_or_set_instance_value("secret", "one")
    second = await store.get_or_set_instance_value("secret", "two")
    assert first == second == "one"


async def test_overdue_jobs_nobody_holds_fail_with_a_refund(store: SqlStore) -> None:
    key = await store.create_key(new_key(credits=300))
    stale = await store.create_job(
        new_job(key.id, price=100, deployment="nobody-serves-this", created_at=time.time() - 100)
    )
    held = await store.create_job(new_job(key.id, price=100, created_at=time.time() - 100))
    fresh = await store.create_job(new_job(key.id, price=100, deployment="nobody-serves-this"))
    await store.claim("w1", [ClaimRequest("sandbox", 1)], 30)
    ended = await store.fail_overdue(time.time() - 50)
    assert [j.id for j in ended] == [stale.id]
    assert ended[0].error is not None and ended[0].error.name == "timeout"
    assert (await store.get_job(held.id)).status is JobStatus.QUEUED  # type: ignore[union-attr]
    assert (await store.get_job(fresh.id)).status is JobStatus.QUEUED  # type: ignore[union-attr]
    assert (await store.get_key(key.id)).balance == 100  # type: ignore[union-attr]
