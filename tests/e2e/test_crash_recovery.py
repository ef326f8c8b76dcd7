"""SIGKILL during generation, then restart: no job stuck, credits balanced."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.e2e.conftest import ALL_TO_SANDBOX
from tests.e2e.helpers import headers
from tests.support.server_process import ServerProcess, base_env, create_key

JOBS = 12
PRICE = 430  # video-01


def test_sigkill_mid_generation_then_restart_finishes_every_job(tmp_path: Path) -> None:
    routing = tmp_path / "routing.toml"
    routing.write_text(ALL_TO_SANDBOX)
    env = base_env(
        tmp_path,
        VIDGATE_ROUTING_FILE=str(routing),
        VIDGATE_SANDBOX_QUEUE_SECONDS="0.2",
        VIDGATE_SANDBOX_RUN_SECONDS="3",
        VIDGATE_LEASE_SECONDS="2",
    )
    key = create_key(env, credits=100_000, name="crash")
    admin = create_key(env, "--admin", name="ops")
    server = ServerProcess(env).start()
    client = httpx.Client(base_url=server.url, headers=headers(key), timeout=30)
    ids = [
        client.post(
            "/v2/video/generations", json={"model": "video-01", "prompt": f"job {i}"}
        ).json()["id"]
        for i in range(JOBS)
    ]
    _wait_for(lambda: any(_status(client, i) == "generating" for i in ids), 20)
    server.kill()

    restarted = ServerProcess(env, port=server.port).start()
    try:
        _wait_for(lambda: all(_status(client, i) in ("completed", "error") for i in ids), 120)
        final = [
            client.get("/v2/video/generations", params={"generation_id": i}).json() for i in ids
        ]
        balance, ledger_sum = _balance_and_ledger_sum(restarted, admin, "crash")
    finally:
        restarted.stop()
        client.close()
    assert all(job["status"] == "completed" for job in final), final
    charged = sum(job["meta"]["usage"]["credits_used"] for job in final)
    assert charged == JOBS * PRICE
    assert balance == ledger_sum == 100_000 - charged


def _status(client: httpx.Client, generation_id: str) -> str:
    body = client.get("/v2/video/generations", params={"generation_id": generation_id}).json()
    return str(body["status"])


def _wait_for(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def _balance_and_ledger_sum(server: ServerProcess, admin: str, name: str) -> tuple[int, int]:
    with httpx.Client(base_url=server.url, headers=headers(admin), timeout=30) as client:
        key = next(k for k in client.get("/admin/keys").json()["data"] if k["name"] == name)
        ledger = client.get(f"/admin/keys/{key['id']}/ledger", params={"limit": 500}).json()
    return key["balance"], sum(e["amount"] for e in ledger["data"])
