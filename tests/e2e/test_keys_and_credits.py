"""Keys, prices, reservations, refunds and the ledger, over HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.e2e.helpers import headers, poll_until_done
from tests.support.server_process import ServerProcess, base_env, create_key

VEO_PRICE_5S = 2500


def _admin(server: ServerProcess, admin_key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers=headers(admin_key), timeout=30)


def test_admin_creates_tops_up_and_revokes_keys(server: ServerProcess, admin_key: str) -> None:
    with _admin(server, admin_key) as admin:
        created = admin.post("/admin/keys", json={"name": "app", "credits": 100})
        assert created.status_code == 201, created.text
        key = created.json()
        assert key["secret"].startswith("vg_live_") and key["balance"] == 100
        topped = admin.post(f"/admin/keys/{key['id']}/credits", json={"amount": 50, "note": "x"})
        assert topped.json()["balance"] == 150
        listed = admin.get("/admin/keys").json()["data"]
        assert key["id"] in {k["id"] for k in listed}
        assert all("secret" not in k for k in listed)
        ledger = admin.get(f"/admin/keys/{key['id']}/ledger").json()["data"]
        assert [(e["kind"], e["amount"]) for e in ledger] == [("topup", 50), ("grant", 100)]
        assert admin.post(f"/admin/keys/{key['id']}/revoke").json()["revoked_at"] is not None
    revoked = httpx.get(
        server.url + "/v2/video/generations",
        params={"generation_id": "x"},
        headers=headers(key["secret"]),
    )
    assert revoked.status_code == 401
    assert "revoked" in revoked.json()["error"]["message"]


def test_admin_routes_need_an_admin_key(server: ServerProcess, sandbox_key: str) -> None:
    response = httpx.get(server.url + "/admin/keys", headers=headers(sandbox_key))
    assert response.status_code == 403


def test_not_enough_credits_is_402_with_price_and_balance(
    server: ServerProcess, server_env: dict[str, str]
) -> None:
    poor = create_key(server_env, credits=100, name="poor")
    response = httpx.post(
        server.url + "/v2/video/generations",
        headers=headers(poor),
        json={"model": "veo2", "prompt": "x"},
    )
    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["price"], error["balance"]) == (VEO_PRICE_5S, 100)
    assert "2500" in error["message"] and "100" in error["message"]


def test_a_completed_live_generation_charges_its_price(
    server: ServerProcess, admin_key: str, server_env: dict[str, str]
) -> None:
    key = create_key(server_env, credits=10_000, name="payer")
    with httpx.Client(base_url=server.url, headers=headers(key), timeout=30) as client:
        created = client.post("/v2/video/generations", json={"model": "veo2", "prompt": "x"})
        done = poll_until_done(client, "/v2/video/generations", created.json()["id"])
    assert done["status"] == "completed"
    assert done["meta"]["usage"]["credits_used"] == VEO_PRICE_5S


def test_a_failed_generation_is_refunded(
    server: ServerProcess, server_env: dict[str, str], admin_key: str
) -> None:
    key = create_key(server_env, credits=10_000, name="refund")
    with httpx.Client(base_url=server.url, headers=headers(key), timeout=30) as client:
        created = client.post(
            "/v2/video/generations",
            json={"model": "veo2", "prompt": "x [sandbox:fail=content_refused]"},
        )
        done = poll_until_done(client, "/v2/video/generations", created.json()["id"])
    assert done["status"] == "error"
    assert done["error"]["name"] == "content_refused"
    assert done["meta"]["usage"]["credits_used"] == 0
    with _admin(server, admin_key) as admin:
        key_id = next(
            k["id"] for k in admin.get("/admin/keys").json()["data"] if k["name"] == "refund"
        )
        assert admin.get(f"/admin/keys/{key_id}").json()["balance"] == 10_000
        kinds = [e["kind"] for e in admin.get(f"/admin/keys/{key_id}/ledger").json()["data"]]
    assert kinds == ["refund", "reserve", "grant"]


def test_64_concurrent_creates_never_take_a_balance_below_zero(
    server: ServerProcess, server_env: dict[str, str], admin_key: str
) -> None:
    key = create_key(server_env, credits=VEO_PRICE_5S * 10, name="racer")

    async def burst() -> list[int]:
        async with httpx.AsyncClient(
            base_url=server.url, headers=headers(key), timeout=60
        ) as client:
            responses = await asyncio.gather(
                *(
                    client.post("/v2/video/generations", json={"model": "veo2", "prompt": f"{i}"})
                    for i in range(64)
                )
            )
        return [r.status_code for r in responses]

    statuses = asyncio.run(burst())
    assert statuses.count(200) == 10
    assert statuses.count(402) == 54
    with _admin(server, admin_key) as admin:
        key_id = next(
            k["id"] for k in admin.get("/admin/keys").json()["data"] if k["name"] == "racer"
        )
        assert admin.get(f"/admin/keys/{key_id}").json()["balance"] == 0
        ledger = admin.get(f"/admin/keys/{key_id}/ledger", params={"limit": 500}).json()["data"]
    assert sum(e["amount"] for e in ledger) == 0


def test_a_live_key_without_an_engine_gets_503_naming_the_model(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    key = create_key(env, credits=10_000, name="unrouted")
    server = ServerProcess(env).start()
    try:
        response = httpx.post(
            server.url + "/v2/video/generations",
            headers=headers(key),
            json={"model": "veo2", "prompt": "x"},
        )
    finally:
        server.stop()
    assert response.status_code == 503
    assert response.json()["error"]["name"] == "engine_unavailable"
    assert "'veo2'" in response.json()["error"]["message"]
