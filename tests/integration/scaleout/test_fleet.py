"""Several API and worker processes on one PostgreSQL database and one S3 bucket: every
generation runs exactly once, none is lost, and a worker killed mid-run loses nothing."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.helpers import headers
from tests.integration.scaleout.conftest import INITIAL_CREDITS, PREFIX, Fleet

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.asyncio(loop_scope="module")]

MODEL = "wan/v2.1/1.3b/text-to-video"
PRICE = 240
GENERATIONS = 300
DURING_THE_CRASH = 90
AT_ONCE = 16
ACTIVE = ["queued", "running"]


async def submit(fleet: Fleet, count: int, label: str) -> list[str]:
    """``count`` generations, sent round-robin to the API processes."""
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(client: httpx.AsyncClient, index: int) -> str:
        api = fleet.apis[index % len(fleet.apis)]
        body = {"model": MODEL, "prompt": f"{label} {index}"}
        async with gate:
            response = await client.post(f"{api.url}/v2/video/generations", json=body)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    async with httpx.AsyncClient(headers=headers(fleet.live_key), timeout=30) as client:
        return list(await asyncio.gather(*(one(client, i) for i in range(count))))


async def until_all_ended(db: asyncpg.Connection, ids: list[str], within: float) -> None:
    query = "SELECT count(*) FROM jobs WHERE id = ANY($1::text[]) AND status <> ALL($2::text[])"
    async with asyncio.timeout(within):
        while await db.fetchval(query, ids, ACTIVE) < len(ids):
            await asyncio.sleep(0.25)


async def attempts_by_job(db: asyncpg.Connection, ids: list[str]) -> dict[str, tuple[str, int]]:
    rows = await db.fetch("SELECT id, status, attempts FROM jobs WHERE id = ANY($1::text[])", ids)
    return {row["id"]: (row["status"], row["attempts"]) for row in rows}


async def ledger_kinds(db: asyncpg.Connection, ids: list[str]) -> dict[str, list[str]]:
    rows = await db.fetch(
        "SELECT job_id, kind FROM ledger WHERE job_id = ANY($1::text[]) ORDER BY id", ids
    )
    kinds: dict[str, list[str]] = {job_id: [] for job_id in ids}
    for row in rows:
        kinds[row["job_id"]].append(row["kind"])
    return kinds


async def held_by(db: asyncpg.Connection, pid: int) -> set[str]:
    """Jobs leased by the worker process ``pid`` (owner ids read ``host:pid:nonce``)."""
    rows = await db.fetch(
        "SELECT id FROM jobs WHERE lease_owner LIKE $1 AND status = ANY($2::text[])",
        f"%:{pid}:%",
        ACTIVE,
    )
    return {row["id"] for row in rows}


async def read_back(fleet: Fleet, ids: list[str]) -> list[dict[str, Any]]:
    """Each generation as the API shows it, asked of a different process than it was sent to,
    and its video downloaded through the signed /files/ URL and the redirect to S3."""
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(client: httpx.AsyncClient, index: int, job_id: str) -> dict[str, Any]:
        api = fleet.apis[(index + 1) % len(fleet.apis)]
        async with gate:
            shown = await client.get(
                f"{api.url}/v2/video/generations", params={"generation_id": job_id}
            )
            body: dict[str, Any] = shown.json()
            body["_download"] = await download(client, fleet, body["video"]["url"])
        return body

    async with httpx.AsyncClient(headers=headers(fleet.live_key), timeout=30) as client:
        return list(await asyncio.gather(*(one(client, i, j) for i, j in enumerate(ids))))


async def download(client: httpx.AsyncClient, fleet: Fleet, url: str) -> bytes:
    redirect = await client.get(url)
    assert redirect.status_code == 307, redirect.text
    location = redirect.headers["location"]
    assert location.startswith(f"{fleet.s3.endpoint_url}/{fleet.bucket}/{PREFIX}/outputs/")
    video = await client.get(location)
    assert video.status_code == 200, video.text
    assert video.headers["content-type"] == "video/mp4"
    return video.content


async def balance(fleet: Fleet) -> int:
    async with httpx.AsyncClient(headers=headers(fleet.admin_key), timeout=30) as client:
        keys = (await client.get(f"{fleet.apis[0].url}/admin/keys")).json()["data"]
    return int(next(k["balance"] for k in keys if k["name"] == "fleet"))


def assert_delivered(fleet: Fleet, shown: list[dict[str, Any]]) -> None:
    for body in shown:
        assert body["status"] == "completed", body
        assert body["meta"]["usage"]["credits_used"] == PRICE
        assert body["_download"][4:8] == b"ftyp", "not an MP4"
    fleet.charged += sum(body["meta"]["usage"]["credits_used"] for body in shown)


async def test_every_generation_sent_to_either_api_runs_exactly_once(fleet: Fleet) -> None:
    db = await fleet.database()
    try:
        ids = await submit(fleet, GENERATIONS, "fleet")
        await until_all_ended(db, ids, within=120)
        runs = await attempts_by_job(db, ids)
        ledger = await ledger_kinds(db, ids)
    finally:
        await db.close()

    assert len(set(ids)) == GENERATIONS
    assert Counter(status for status, _ in runs.values()) == {"succeeded": GENERATIONS}
    assert Counter(attempts for _, attempts in runs.values()) == {1: GENERATIONS}
    assert all(kinds == ["reserve"] for kinds in ledger.values()), ledger
    stored = set(fleet.s3.keys(fleet.bucket, f"{PREFIX}/outputs/"))
    assert {f"{PREFIX}/outputs/{job_id}/video.mp4" for job_id in ids} <= stored
    assert_delivered(fleet, await read_back(fleet, ids))
    assert await balance(fleet) + fleet.charged == INITIAL_CREDITS


async def test_the_jobs_of_a_killed_worker_are_taken_over_and_still_run_once(
    fleet: Fleet,
) -> None:
    victim = fleet.workers[0]
    db = await fleet.database()
    try:
        ids = await submit(fleet, DURING_THE_CRASH, "crash")
        async with asyncio.timeout(30):
            while len(await held_by(db, victim.pid)) < 2:
                await asyncio.sleep(0.02)
        victim.kill()
        # A COMMIT already on its way when the process died still lands; a second later
        # the dead worker's leases are final, and none has expired yet (they run 2 to 3 s
        # past its last heartbeat).
        await asyncio.sleep(1)
        orphans = await held_by(db, victim.pid)
        await until_all_ended(db, ids, within=60)
        runs = await attempts_by_job(db, ids)
        ledger = await ledger_kinds(db, ids)
    finally:
        await db.close()

    assert orphans
    assert Counter(status for status, _ in runs.values()) == {"succeeded": DURING_THE_CRASH}
    rerun = {job_id for job_id, (_, attempts) in runs.items() if attempts == 2}
    assert rerun == orphans, {j: runs[j] for j in rerun ^ orphans}
    assert {attempts for _, attempts in runs.values()} <= {1, 2}
    assert all(kinds == ["reserve"] for kinds in ledger.values()), ledger
    assert_delivered(fleet, await read_back(fleet, ids))
    assert await balance(fleet) + fleet.charged == INITIAL_CREDITS
