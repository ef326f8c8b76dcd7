"""The measured process of the polling benchmark: one vidgate worker following N vendor jobs.

    python -m bench.polling_worker --jobs 2000 --fakes '{"runway": "http://127.0.0.1:…"}' \
        --speedup 1 --data-dir DIR --lag-file LAGS --out result.json

It opens the real runtime (``open_runtime(settings, with_worker=True)``: SQLite store,
engines, worker, as ``vidgate serve`` does) on a fresh data directory, inserts N queued jobs
straight into the store (spread evenly over the vendors given), prints ``injected``, starts
the worker and a ticker, prints ``started``, and runs until its standard input closes. The
ticker sleeps ``TICK`` seconds in the worker's event loop and writes how late it woke to the
lag file, one line per tick, so the driver can read the lag even when the loop is swamped.
On stop it writes what only it knows (jobs followed, job states, how long a graceful stop
took) to ``--out``. Everything timed from outside (memory, CPU, phases, poll intervals) is
measured by the driver, ``bench/vendor_polling.py``.

``--http-connections K`` sets ``VIDGATE_VENDOR_HTTP_CONNECTIONS`` (the vendor client's
connection limit) for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text

from vidgate.bootstrap import Runtime, close_runtime, open_runtime, prepare_database
from vidgate.collector import settle_after_startup
from vidgate.config import Settings
from vidgate.domain.ids import hash_secret, new_job_id, new_key_id
from vidgate.domain.jobs import Job, JobStatus, KeyKind, VideoShape
from vidgate.store.protocol import NewKey

TICK = 0.05
CREDENTIALS = {"runway": "test-runway-key", "google": "AIzaSy-test-key-0123456789abcdef"}
MODELS: dict[str, tuple[str, dict[str, Any]]] = {
    # Runway fetches https image URLs itself; the fake checks the form and never fetches.
    "runway": (
        "runway/gen4_turbo",
        {"image_url": "https://images.bench.invalid/first.png", "ratio": "16:9", "duration": 5},
    ),
    "google": ("veo2", {"aspect_ratio": "16:9", "duration": "5"}),
}


def routing_toml(fakes: dict[str, str], jobs: int) -> str:
    lines = []
    for vendor, url in fakes.items():
        lines += [
            f"[deployments.{vendor}-bench]",
            f'engine = "{vendor}"',
            f'base_url = "{url}"',
            f'credentials = {{ api_key = "env:BENCH_{vendor.upper()}_KEY" }}',
            f"max_concurrency = {jobs}",  # one worker holds every job
            *(['options = { surface = "gemini" }'] if vendor == "google" else []),
            "",
        ]
    lines.append("[routes]")
    lines += [f'"{MODELS[vendor][0]}" = ["{vendor}-bench"]' for vendor in fakes]
    return "\n".join(lines) + "\n"


async def inject(runtime: Runtime, vendors: Sequence[str], jobs: int) -> None:
    key_id = new_key_id()
    key = NewKey(key_id, "bench", hash_secret(key_id), key_id[:12], KeyKind.LIVE, False, jobs)
    await runtime.store.create_key(key)
    for index in range(jobs):
        vendor = vendors[index % len(vendors)]
        model, params = MODELS[vendor]
        now = time.time()
        job = Job(
            id=new_job_id(),
            key_id=key_id,
            model=model,
            engine=vendor,
            deployment=f"{vendor}-bench",
            status=JobStatus.QUEUED,
            progress=0,
            params=params | {"prompt": f"bench job {index}"},
            shape=VideoShape(width=1280, height=720, fps=24, frames=120),
            price=1,
            created_at=now,
            updated_at=now,
            seed=index,
        )
        await runtime.store.create_job(job)


async def tick(sink: IO[str]) -> None:
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(TICK)
        sink.write(f"{time.time():.3f} {loop.time() - started - TICK:.6f}\n")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    fakes: dict[str, str] = json.loads(args.fakes)
    settings = _settings(args, fakes)
    await prepare_database(settings)
    runtime = await open_runtime(settings, with_worker=True)
    settle_after_startup()  # as `vidgate worker` and `vidgate serve` do
    started = time.monotonic()
    await inject(runtime, list(fakes), args.jobs)
    inject_seconds = time.monotonic() - started
    announce("injected")
    assert runtime.worker is not None
    pauses = CollectorPauses()
    gc.callbacks.append(pauses)
    with open_lag_file(args.lag_file) as lags:
        ticker = asyncio.create_task(tick(lags))
        worker = asyncio.create_task(runtime.worker.run())
        announce("started")
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        counts = await _status_counts(runtime)
        gc.callbacks.remove(pauses)
        collector = pauses.report()
        following = runtime.worker.running_count
        memory = _top_allocations() if tracemalloc.is_tracing() else []
        stopping = time.monotonic()
        await runtime.worker.stop(grace=0.5)
        stop_seconds = time.monotonic() - stopping
        worker.cancel()
        ticker.cancel()
    await close_runtime(runtime)
    return {
        "inject_seconds": inject_seconds,
        "following_at_stop": following,
        "job_status_counts": counts,
        "graceful_stop_seconds": stop_seconds,
        "http_connections": settings.vendor_http_connections,
        "top_allocations": memory,
        "collector": collector,
    }


class CollectorPauses:
    """Every run of the garbage collector: how long it held the loop, by generation."""

    def __init__(self) -> None:
        self.full: list[tuple[float, float]] = []  # (when, seconds) of each gen-2 run
        self.total_seconds = [0.0, 0.0, 0.0]
        self.runs = [0, 0, 0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        took = time.perf_counter() - self._started
        generation = info["generation"]
        self.runs[generation] += 1
        self.total_seconds[generation] += took
        if generation == 2:
            self.full.append((time.time(), took))

    def report(self) -> dict[str, Any]:
        started = time.perf_counter()
        gc.collect()
        full_collection = time.perf_counter() - started
        tracked = Counter(type(thing).__qualname__ for thing in gc.get_objects())
        return {
            "runs": self.runs,
            "total_seconds": self.total_seconds,
            "full": self.full,
            "full_collection_at_stop_seconds": full_collection,
            "tracked_objects_at_stop": sum(tracked.values()),
            "most_tracked_types": tracked.most_common(15),
        }


def open_lag_file(path: str) -> IO[str]:
    """Line-buffered: every tick reaches the file even if this process is killed."""
    return Path(path).open("w", buffering=1)


def announce(event: str) -> None:
    """A line on stdout for the driver."""
    print(event, flush=True)


def _top_allocations(limit: int = 25) -> list[dict[str, Any]]:
    stats = tracemalloc.take_snapshot().statistics("lineno")[:limit]
    return [
        {"where": str(stat.traceback[0]), "kb": stat.size / 1024, "blocks": stat.count}
        for stat in stats
    ]


async def _status_counts(runtime: Runtime) -> dict[str, int]:
    query = text("SELECT status, count(*) FROM jobs GROUP BY status")
    async with runtime.connections.reader.connect() as conn:
        rows = (await conn.execute(query)).all()
    return {str(status): int(count) for status, count in rows}


def _settings(args: argparse.Namespace, fakes: dict[str, str]) -> Settings:
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    routing = data_dir / "routing.toml"
    routing.write_text(routing_toml(fakes, args.jobs))
    for vendor in fakes:
        os.environ[f"BENCH_{vendor.upper()}_KEY"] = CREDENTIALS[vendor]
    return Settings(
        data_dir=data_dir,
        routing_file=routing,
        poll_speedup=args.speedup,
        bootstrap_keys=False,
        log_level="warning",
        **({"vendor_http_connections": args.http_connections} if args.http_connections else {}),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--fakes", required=True, help="JSON: vendor -> base URL")
    parser.add_argument("--speedup", type=float, default=1.0)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--lag-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--http-connections", type=int, default=None)
    args = parser.parse_args()
    if args.tracemalloc:
        tracemalloc.start()
    if args.loop == "uvloop":
        import uvloop

        result = uvloop.run(run(args))
    else:
        result = asyncio.run(run(args))
    Path(args.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
