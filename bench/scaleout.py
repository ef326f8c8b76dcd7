"""Benchmark: submit and completion throughput of a fleet on PostgreSQL, 1, 2 and 4 workers.

    .venv/bin/python -m bench.scaleout                         # VIDGATE_TEST_POSTGRES_URL
    .venv/bin/python -m bench.scaleout --workers 1 2 --jobs 300 --no-doc   # a quick look

Run from the repository root with a PostgreSQL server whose role may create databases. For
each worker count, on a fresh database: ``vidgate migrate``, a live key with credits, two
``vidgate serve --no-worker`` processes and N ``vidgate worker`` processes, all on this
machine. The sandbox runs with no simulated latency and its render capped
(``VIDGATE_SANDBOX_MAX_SIDE``, ``VIDGATE_SANDBOX_MAX_FRAMES``), so a job costs what vidgate
adds around a generation: the request, the insert with its credit reservation and NOTIFY,
the claim, a tiny render, probing, previews, storing and the final transaction. Blobs go to
one local folder the processes share (the S3 path is exercised by
``tests/integration/scaleout``; here storage is not what is measured).

Every burst is bounded by ``--seconds``; raw results go to
``bench/results/scaleout-<time>.json`` and the "Scale-out" section of ``docs/benchmarks.md``
is replaced. Nothing here asserts; the numbers are for reading.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from bench.scaleout_fleet import Fleet, machine
from bench.scaleout_report import replace_section, section

ROOT = Path(__file__).resolve().parents[1]
MODEL = "wan/v2.1/1.3b/text-to-video"
API_PROCESSES = 2
CLIENTS = 32


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    jobs: int
    run_seconds: float
    slots: int
    about: str


SCENARIOS = {
    s.name: s
    for s in (
        Scenario(
            "overhead",
            jobs=600,
            run_seconds=0.0,
            slots=4,
            about="no simulated latency: a job costs only what vidgate adds, so the "
            "fleet is bound by CPU",
        ),
        Scenario(
            "slot-bound",
            jobs=160,
            run_seconds=0.5,
            slots=2,
            about="each job holds one of its worker's 2 slots for 0.5 s, as a GPU worker "
            "(one job at a time) or a vendor with a concurrency cap does; the fleet is "
            "bound by slots",
        ),
    )
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.database_url:
        print("set VIDGATE_TEST_POSTGRES_URL or pass --database-url")
        return 2
    scenarios = [SCENARIOS[name] for name in args.scenarios]
    load_before = os.getloadavg()[0]
    runs = [
        asyncio.run(_measure(scenario, workers, args))
        for scenario in scenarios
        for workers in args.workers
    ]
    about = {"machine": machine() | asyncio.run(_server_version(args.database_url))}
    about["machine"]["load"] = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    settings = {k: v for k, v in vars(args).items() if k in ("max_side", "max_frames", "seconds")}
    raw = about | {
        "settings": settings | {"clients": CLIENTS, "api_processes": API_PROCESSES},
        "scenarios": [asdict(s) for s in scenarios],
        "runs": runs,
    }
    out = args.results / f"scaleout-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(raw, indent=1, default=str))
    text = section(raw)
    print(text)
    if not args.no_doc:
        replace_section(args.doc, text)
        print(f"written to {args.doc}")
    return 0


async def _measure(scenario: Scenario, workers: int, args: argparse.Namespace) -> dict[str, Any]:
    jobs = args.jobs or scenario.jobs
    print(f"--- {scenario.name}: {workers} worker processes, {jobs} jobs", flush=True)
    async with _fresh_database(args.database_url) as url:
        env = _sandbox_env(scenario, args)
        with Fleet(url, api_processes=API_PROCESSES, sandbox_env=env) as fleet:
            fleet.start(workers)
            before = fleet.cpu_seconds()
            submitted_at = time.monotonic()
            ids = await _submit(fleet, jobs, args.seconds)
            submit_seconds = time.monotonic() - submitted_at
            await _until_ended(url, ids, args.seconds)
            cpu = {role: seconds - before[role] for role, seconds in fleet.cpu_seconds().items()}
            timings = await _timings(url, ids)
    result = {
        "scenario": scenario.name,
        "workers": workers,
        "jobs": len(ids),
        "submit_seconds": submit_seconds,
        "cpu_seconds": cpu,
        **timings,
    }
    print(json.dumps(result, default=str), flush=True)
    return result


def _sandbox_env(scenario: Scenario, args: argparse.Namespace) -> dict[str, str]:
    return {
        "VIDGATE_SANDBOX_QUEUE_SECONDS": "0",
        "VIDGATE_SANDBOX_RUN_SECONDS": str(scenario.run_seconds),
        "VIDGATE_SANDBOX_MAX_SIDE": str(args.max_side),
        "VIDGATE_SANDBOX_MAX_FRAMES": str(args.max_frames),
        "VIDGATE_WORKER_SLOTS": str(scenario.slots),
    }


async def _server_version(url: str) -> dict[str, str]:
    conn = await asyncpg.connect(_plain(url))
    try:
        return {"postgres": "PostgreSQL " + str(await conn.fetchval("SHOW server_version"))}
    finally:
        await conn.close()


async def _submit(fleet: Fleet, count: int, within: float) -> list[str]:
    """``count`` generations from ``CLIENTS`` concurrent clients, round-robin over the APIs."""
    pending = iter(range(count))
    ids: list[str] = []

    async def client_loop(client: httpx.AsyncClient) -> None:
        for index in pending:
            api = fleet.api_urls[index % len(fleet.api_urls)]
            body = {"model": MODEL, "prompt": f"bench {index}"}
            response = await client.post(f"{api}/v2/video/generations", json=body)
            response.raise_for_status()
            ids.append(response.json()["id"])

    auth = {"Authorization": f"Bearer {fleet.live_key}"}
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(headers=auth, timeout=60, limits=limits) as client:
        with suppress(TimeoutError):  # bounded: what was accepted by then is the result
            async with asyncio.timeout(within):
                await asyncio.gather(*(client_loop(client) for _ in range(CLIENTS)))
    return ids


async def _until_ended(url: str, ids: list[str], within: float) -> None:
    query = "SELECT count(*) FROM jobs WHERE id = ANY($1::text[]) AND finished_at IS NOT NULL"
    conn = await asyncpg.connect(_plain(url))
    try:
        with suppress(TimeoutError):  # bounded: the figures then cover the jobs that ended
            async with asyncio.timeout(within):
                while await conn.fetchval(query, ids) < len(ids):  # noqa: ASYNC110 - polls the database
                    await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def _timings(url: str, ids: list[str]) -> dict[str, Any]:
    """Rates and latencies from the jobs table's own timestamps."""
    conn = await asyncpg.connect(_plain(url))
    try:
        row = await conn.fetchrow(
            """
            SELECT count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE finished_at IS NULL) AS unfinished,
                   max(attempts) AS max_attempts,
                   max(finished_at) - min(started_at) AS run_window,
                   max(created_at) - min(created_at) AS accept_window,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY finished_at - started_at) AS run_p50,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY started_at - created_at) AS wait_p50
            FROM jobs WHERE id = ANY($1::text[])
            """,
            ids,
        )
    finally:
        await conn.close()
    return dict(row)


@asynccontextmanager
async def _fresh_database(base_url: str) -> AsyncIterator[str]:
    """A new database on the server of ``base_url``; dropped afterwards."""
    name = f"vidgate_bench_{uuid.uuid4().hex[:10]}"
    await _admin(base_url, f'CREATE DATABASE "{name}"')
    try:
        yield f"{base_url.rpartition('/')[0]}/{name}"
    finally:
        await _admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(base_url: str, statement: str) -> None:
    conn = await asyncpg.connect(_plain(base_url))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("VIDGATE_TEST_POSTGRES_URL"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--jobs", type=int, help="generations per run [default: per scenario]")
    parser.add_argument("--seconds", type=float, default=120, help="bound on each burst")
    parser.add_argument("--max-side", type=int, default=64)
    parser.add_argument("--max-frames", type=int, default=4)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
