"""``vidgate worker`` beside ``vidgate serve --no-worker``: health, engines, graceful stop."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import ALL_TO_SANDBOX
from tests.e2e.helpers import headers
from tests.support.server_process import VIDGATE, ServerProcess, base_env
from tests.support.worker_process import WorkerProcess

pytestmark = pytest.mark.slow


@contextmanager
def api_alone(env: dict[str, str]) -> Iterator[tuple[ServerProcess, httpx.Client]]:
    server = ServerProcess(env).start("--no-worker")
    key = server.printed_keys()["sandbox key"]
    client = httpx.Client(base_url=server.url, headers=headers(key), timeout=30)
    try:
        yield server, client
    finally:
        client.close()
        server.stop()


def env_for(tmp_path: Path, **overrides: str) -> dict[str, str]:
    routing = tmp_path / "routing.toml"
    routing.write_text(ALL_TO_SANDBOX)
    return base_env(tmp_path, VIDGATE_ROUTING_FILE=str(routing), **overrides)


def submit(client: httpx.Client, count: int) -> list[str]:
    body = {"model": "video-01", "prompt": "a kite"}
    return [client.post("/v2/video/generations", json=body).json()["id"] for _ in range(count)]


def statuses(client: httpx.Client, ids: list[str]) -> list[str]:
    path = "/v2/video/generations"
    return [client.get(path, params={"generation_id": i}).json()["status"] for i in ids]


def wait_for(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def attempts(data_dir: Path, ids: list[str]) -> list[int]:
    with sqlite3.connect(data_dir / "vidgate.db") as db:
        marks = ",".join("?" * len(ids))
        rows = db.execute(f"SELECT attempts FROM jobs WHERE id IN ({marks})", ids).fetchall()
    return [row[0] for row in rows]


def test_the_worker_answers_health_and_readiness(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    with api_alone(env):
        worker = WorkerProcess(env).start()
        try:
            base = f"http://127.0.0.1:{worker.health_port}"
            alive = httpx.get(f"{base}/healthz")
            ready = httpx.get(f"{base}/readyz")
        finally:
            worker.stop()

    assert alive.status_code == 200 and alive.json()["status"] == "ok"
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "storage": "ok"}


def test_sigterm_hands_running_jobs_back_and_another_worker_finishes_them(
    tmp_path: Path,
) -> None:
    env = env_for(tmp_path, VIDGATE_SANDBOX_QUEUE_SECONDS="0")
    with api_alone(env) as (_, client):
        slow = WorkerProcess({**env, "VIDGATE_SANDBOX_RUN_SECONDS": "60"}).start("--grace", "1")
        ids = submit(client, 2)
        wait_for(lambda: statuses(client, ids) == ["generating"] * 2, within=20)

        started = time.monotonic()
        exit_code = slow.terminate()
        stopped_in = time.monotonic() - started
        unfinished = statuses(client, ids)

        fast = WorkerProcess({**env, "VIDGATE_SANDBOX_RUN_SECONDS": "0.2"}).start()
        try:
            wait_for(lambda: statuses(client, ids) == ["completed"] * 2, within=30)
        finally:
            fast.stop()

    assert exit_code == 0
    assert stopped_in < 10
    assert "completed" not in unfinished
    assert attempts(tmp_path, ids) == [1, 1]  # a hand-back is not counted as an attempt


def test_a_worker_runs_only_the_engines_it_is_given(tmp_path: Path) -> None:
    env = env_for(tmp_path, VIDGATE_SANDBOX_QUEUE_SECONDS="0", VIDGATE_SANDBOX_RUN_SECONDS="0.2")
    with api_alone(env) as (_, client):
        vendors_only = WorkerProcess(env).start("--engines", "kling,runway")
        ids = submit(client, 1)
        time.sleep(2)
        left_alone = statuses(client, ids)
        sandbox = WorkerProcess(env).start("--engines", "sandbox")
        try:
            wait_for(lambda: statuses(client, ids) == ["completed"], within=30)
        finally:
            sandbox.stop()
            vendors_only.stop()

    assert left_alone == ["queued"]


def test_an_unknown_engine_is_refused_at_start(tmp_path: Path) -> None:
    done = subprocess.run(
        [*VIDGATE, "worker", "--engines", "sandbox,warp-drive"],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "warp-drive" in done.stderr


def test_a_health_port_already_taken_is_refused_at_start(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*VIDGATE, "worker", "--health-port", str(port)],
            env=env_for(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert done.returncode == 2
    assert f"cannot serve health checks on 127.0.0.1:{port}" in done.stderr
