"""SIGKILL with 50 vendor jobs in flight, then restart: every job completes, none is sent twice.

Ten jobs per vendor go to the five fakes, which hold each task running for about eight
seconds of polling. Once every task exists at its vendor and has been polled (so each job
has its task id stored), the server is killed with SIGKILL and started again on the same
data directory and port. The restarted worker takes the jobs over when their leases expire
and follows the stored task ids: each job completes, each vendor received exactly one create
per job (matched by prompt), and the key's balance equals its ledger.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.helpers import headers, minimal_body
from tests.support.media import data_uri, png_bytes
from tests.support.server_process import ServerProcess, base_env, create_key
from tests.support.vendor_fakes import VENDORS, Vendor, VendorFakes, prompt_of, running_vendor_fakes
from vidgate.domain.catalogue import ModelSpec
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.engines.alibaba import AlibabaEngine
from vidgate.engines.google import GoogleEngine
from vidgate.engines.kling import KlingEngine
from vidgate.engines.minimax import MiniMaxEngine
from vidgate.engines.remote import RemoteTaskEngine
from vidgate.engines.runway import RunwayEngine

pytestmark = pytest.mark.slow

JOBS_PER_VENDOR = 10
SPEEDUP = 50.0
HOLD_SECONDS = 8.0
CREDITS = 10_000_000
ENGINES: dict[Vendor, type[RemoteTaskEngine]] = {
    "kling": KlingEngine,
    "minimax": MiniMaxEngine,
    "runway": RunwayEngine,
    "google": GoogleEngine,
    "alibaba": AlibabaEngine,
}


def test_sigkill_with_50_vendor_jobs_in_flight_then_restart(tmp_path: Path) -> None:
    with running_vendor_fakes() as fakes:
        _hold_tasks(fakes)
        env = base_env(tmp_path, **fakes.server_env(tmp_path, speedup=SPEEDUP))
        key = create_key(env, credits=CREDITS, name="crash")
        admin = create_key(env, "--admin", name="ops")
        server = ServerProcess(env).start()
        errors: list[str] = []
        with _client(server, key, errors) as client:
            jobs = _submit_all(client)
            _wait_for(lambda: _all_polled(fakes), 60, "every task created and polled")
            assert sum(len(fakes.downloads(v)) for v in VENDORS) == 0, "a job ended before the kill"
            server.kill()

            restarted = ServerProcess(env, port=server.port).start()
            try:
                final = _wait_until_done(client, jobs)
                balance, ledger_sum = _balance_and_ledger_sum(restarted, admin, errors)
            finally:
                restarted.stop()

    assert [job["status"] for job in final.values()] == ["completed"] * len(jobs), final
    for vendor in VENDORS:
        prompts = Counter(prompt_of(vendor, call.json) for call in fakes.creates(vendor))
        sent = {prompt for prompt, (owner, _) in jobs.items() if owner == vendor}
        assert prompts == Counter(sent), f"{vendor} did not get each job exactly once"
        assert fakes.tasks_created(vendor) == JOBS_PER_VENDOR
        assert len(fakes.downloads(vendor)) == JOBS_PER_VENDOR
    charged = sum(job["meta"]["usage"]["credits_used"] for job in final.values())
    assert charged > 0 and balance == ledger_sum == CREDITS - charged
    assert not errors, f"vidgate answered 5xx: {errors}"


def _hold_tasks(fakes: VendorFakes) -> None:
    """Each vendor's tasks run about ``HOLD_SECONDS`` at its own (sped-up) poll interval."""
    for vendor in VENDORS:
        interval = ENGINES[vendor].default_policy.interval / SPEEDUP
        fakes.install(vendor, hold_polls=math.ceil(HOLD_SECONDS / interval))


def _submit_all(client: httpx.Client) -> dict[str, tuple[Vendor, str]]:
    """Ten jobs per vendor over its models; prompt → (vendor, generation id)."""
    jobs: dict[str, tuple[Vendor, str]] = {}
    catalogue = seed_catalogue()
    for vendor in VENDORS:
        models = catalogue.for_vendor(vendor)
        for index in range(JOBS_PER_VENDOR):
            spec = models[index % len(models)]
            prompt = f"crash test {vendor} {index}"
            created = client.post(spec.create_path, json=_body(spec, prompt))
            assert created.status_code == 200, created.text
            answer = created.json()
            jobs[prompt] = (vendor, answer.get("generation_id") or answer["id"])
    return jobs


def _body(spec: ModelSpec, prompt: str) -> dict[str, Any]:
    body = minimal_body(spec) | {"prompt": prompt}
    if spec.id == "video-01-live2d":  # MiniMax needs a first frame for this one
        body["first_frame_image"] = data_uri(png_bytes())
    return body


def _all_polled(fakes: VendorFakes) -> bool:
    return all(fakes.tasks_polled(v) == JOBS_PER_VENDOR for v in VENDORS)


def _wait_until_done(
    client: httpx.Client, jobs: dict[str, tuple[Vendor, str]]
) -> dict[str, dict[str, Any]]:
    final: dict[str, dict[str, Any]] = {}

    def all_done() -> bool:
        for _, generation_id in jobs.values():
            if generation_id in final:
                continue
            body = client.get("/v2/video/generations", params={"generation_id": generation_id})
            assert body.status_code == 200, body.text
            if body.json()["status"] in ("completed", "error"):
                final[generation_id] = body.json()
        return len(final) == len(jobs)

    _wait_for(all_done, 120, "every job ended after the restart")
    return final


def _client(server: ServerProcess, key: str, errors: list[str]) -> httpx.Client:
    def record(response: httpx.Response) -> None:
        if response.status_code >= 500:
            errors.append(f"{response.request.url} -> {response.status_code}")

    hooks = {"response": [record]}
    return httpx.Client(base_url=server.url, headers=headers(key), timeout=30, event_hooks=hooks)


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not reached within {timeout} s: {what}")


def _balance_and_ledger_sum(
    server: ServerProcess, admin: str, errors: list[str]
) -> tuple[int, int]:
    with _client(server, admin, errors) as client:
        key = next(k for k in client.get("/admin/keys").json()["data"] if k["name"] == "crash")
        ledger = client.get(f"/admin/keys/{key['id']}/ledger", params={"limit": 500}).json()
    return key["balance"], sum(entry["amount"] for entry in ledger["data"])
