"""A small vidgate fleet on one machine: a fresh PostgreSQL database, an S3 bucket (moto),
two ``vidgate serve --no-worker`` processes and three ``vidgate worker`` processes.

Each process has its own data folder, as if on its own machine: the database and the
bucket are all they share. Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from tests.e2e.conftest import ALL_TO_SANDBOX
from tests.support.databases import fresh_postgres_database
from tests.support.s3 import S3Server, moto_server
from tests.support.server_process import KEY_LINE, ServerProcess, base_env, create_key, run_cli
from tests.support.worker_process import WorkerProcess
from vidgate.store.sql.notifications import asyncpg_dsn

INITIAL_CREDITS = 1_000_000
API_PROCESSES = 2
WORKER_PROCESSES = 3
PREFIX = "fleet"


@dataclass
class Fleet:
    database_url: str
    s3: S3Server
    bucket: str
    apis: list[ServerProcess]
    workers: list[WorkerProcess]
    live_key: str
    admin_key: str
    charged: int = 0  # credits_used of every generation the tests have seen end

    async def database(self) -> asyncpg.Connection:
        return await asyncpg.connect(asyncpg_dsn(self.database_url))


def fleet_settings(database_url: str, s3: S3Server, bucket: str, routing: Path) -> dict[str, str]:
    return {
        "VIDGATE_DATABASE_URL": database_url,
        **s3.env(bucket, prefix=PREFIX),
        "VIDGATE_ROUTING_FILE": str(routing),
        "VIDGATE_SANDBOX_QUEUE_SECONDS": "0",
        "VIDGATE_SANDBOX_RUN_SECONDS": "0.2",
        "VIDGATE_SANDBOX_MAX_SIDE": "96",
        "VIDGATE_SANDBOX_MAX_FRAMES": "6",
        "VIDGATE_WORKER_SLOTS": "4",
        "VIDGATE_LEASE_SECONDS": "3",
        "VIDGATE_CLAIM_FALLBACK_SECONDS": "0.5",
    }


def start_all(apis: list[ServerProcess], workers: list[WorkerProcess]) -> None:
    with ThreadPoolExecutor(len(apis) + len(workers)) as pool:
        started = [pool.submit(api.start, "--no-worker") for api in apis]
        started += [pool.submit(worker.start) for worker in workers]
        for future in started:
            future.result()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fleet(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Fleet]:
    root = tmp_path_factory.mktemp("fleet")
    routing = root / "routing.toml"
    routing.write_text(ALL_TO_SANDBOX)
    async with fresh_postgres_database() as url:
        with moto_server() as s3:
            bucket = s3.new_bucket()
            shared = fleet_settings(url, s3, bucket, routing)
            setup = base_env(root / "setup", **shared)
            printed = run_cli(["migrate"], setup)
            admin = next(m.group(2) for m in KEY_LINE.finditer(printed) if m[1] == "admin key")
            live = create_key(setup, credits=INITIAL_CREDITS, name="fleet")
            apis = [
                ServerProcess(base_env(root / f"api-{i}", **shared)) for i in range(API_PROCESSES)
            ]
            workers = [
                WorkerProcess(base_env(root / f"worker-{i}", **shared))
                for i in range(WORKER_PROCESSES)
            ]
            try:
                await asyncio.to_thread(start_all, apis, workers)
                yield Fleet(url, s3, bucket, apis, workers, live, admin)
            finally:
                for process in [*workers, *apis]:
                    process.stop()
