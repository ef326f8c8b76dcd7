"""Webhooks: signed the Standard Webhooks way, retried with backoff, every attempt logged."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from tests.e2e.conftest import ALL_TO_SANDBOX
from tests.e2e.helpers import headers
from tests.support.server_process import ServerProcess, base_env, create_key
from tests.support.servers import serve_in_thread


@dataclass
class Receiver:
    """Answers each path with a scripted list of statuses, then 200; keeps what it got."""

    script: dict[str, list[int]] = field(default_factory=dict)
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        body = b""
        while True:
            message = await receive()  # type: ignore[operator]
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope["path"]
        with self.lock:
            self.received.append(
                (path, body, {k.decode(): v.decode() for k, v in scope["headers"]})
            )
            planned = self.script.get(path, [])
            status = planned.pop(0) if planned else 200
        extra = [(b"location", b"http://127.0.0.1:9/elsewhere")] if status == 302 else []
        await send(
            {
                "type": "http.response.start",
                "status": status,  # type: ignore[operator]
                "headers": extra,
            }
        )
        await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]

    def bodies(self, path: str) -> list[tuple[bytes, dict[str, str]]]:
        with self.lock:
            return [(b, h) for p, b, h in self.received if p == path]


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[Receiver, str]]:
    app = Receiver()
    with serve_in_thread(app) as url:
        yield app, url


@pytest.fixture(scope="module")
def hooked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    data = tmp_path_factory.mktemp("hooks")
    routing = data / "routing.toml"
    routing.write_text(ALL_TO_SANDBOX)
    env = base_env(
        data,
        VIDGATE_ROUTING_FILE=str(routing),
        VIDGATE_FETCH_ALLOWED_HOSTS="127.0.0.1",
        VIDGATE_WEBHOOK_RETRY_SCALE="0.002",
    )
    key = create_key(env, credits=100_000, name="hooks")
    server = ServerProcess(env).start()
    try:
        yield server, key
    finally:
        server.stop()


def _deliveries(server: ServerProcess, key: str, generation_id: str) -> list[dict]:  # type: ignore[type-arg]
    response = httpx.get(
        f"{server.url}/v2/webhooks/deliveries",
        headers=headers(key),
        params={"generation_id": generation_id},
    )
    return list(response.json()["data"])


def _wait_delivered(server: ServerProcess, key: str, generation_id: str) -> list[dict]:  # type: ignore[type-arg]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = _deliveries(server, key, generation_id)
        if found and all(d["status"] != "pending" for d in found):
            return found
        time.sleep(0.2)
    raise AssertionError(f"deliveries still pending: {_deliveries(server, key, generation_id)}")


def test_a_receiver_that_fails_twice_gets_one_signed_successful_delivery(
    hooked: tuple[ServerProcess, str], receiver: tuple[Receiver, str]
) -> None:
    server, key = hooked
    app, base = receiver
    app.script["/flaky"] = [500, 503]
    endpoint = httpx.put(
        f"{server.url}/v2/webhooks/endpoint", headers=headers(key), json={"url": f"{base}/flaky"}
    ).json()
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    created = httpx.post(
        f"{server.url}/v2/video/generations",
        headers=headers(key),
        json={"model": "veo2", "prompt": "hook me"},
    ).json()
    [delivery] = _wait_delivered(server, key, created["id"])
    assert delivery["status"] == "delivered" and delivery["event"] == "video.completed"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 200]
    got = app.bodies("/flaky")
    assert len(got) == 3
    verifier = Webhook(secret)
    events = [verifier.verify(body, hdrs) for body, hdrs in got]
    assert {e["data"]["id"] for e in events} == {created["id"]}
    assert len({h["webhook-id"] for _, h in got}) == 1
    httpx.delete(f"{server.url}/v2/webhooks/endpoint", headers=headers(key))


def test_a_callback_url_gets_the_failure_event(
    hooked: tuple[ServerProcess, str], receiver: tuple[Receiver, str]
) -> None:
    server, key = hooked
    app, base = receiver
    created = httpx.post(
        f"{server.url}/v2/video/generations",
        headers=headers(key),
        json={
            "model": "veo2",
            "prompt": "x [sandbox:fail=content_refused]",
            "callback_url": f"{base}/callback",
        },
    ).json()
    [delivery] = _wait_delivered(server, key, created["id"])
    assert delivery["status"] == "delivered"
    secret = httpx.get(f"{server.url}/v2/webhooks/endpoint", headers=headers(key)).json()["secret"]
    [(body, hdrs)] = app.bodies("/callback")
    event = Webhook(secret).verify(body, hdrs)
    assert event["type"] == "video.failed"
    assert event["data"]["error"]["code"] == "content_refused"


def test_redirects_are_not_followed(
    hooked: tuple[ServerProcess, str], receiver: tuple[Receiver, str]
) -> None:
    server, key = hooked
    app, base = receiver
    app.script["/moved"] = [302] * 20
    created = httpx.post(
        f"{server.url}/v2/video/generations",
        headers=headers(key),
        json={"model": "veo2", "prompt": "x", "callback_url": f"{base}/moved"},
    ).json()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        [delivery] = _deliveries(server, key, created["id"]) or [None]
        if delivery and len(delivery["attempts"]) >= 2:
            break
        time.sleep(0.2)
    assert delivery is not None
    assert {a["status_code"] for a in delivery["attempts"]} == {302}
    assert delivery["status"] == "pending"
    assert all(p != "/elsewhere" for p, _, _ in app.received)


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/hook", "http://169.254.169.254/", "ftp://example.com/x"]
)
def test_callback_urls_follow_the_public_address_rules(
    url: str, hooked: tuple[ServerProcess, str]
) -> None:
    server, key = hooked
    response = httpx.post(
        f"{server.url}/v2/video/generations",
        headers=headers(key),
        json={"model": "veo2", "prompt": "x", "callback_url": url},
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "callback_url"
    endpoint = httpx.put(
        f"{server.url}/v2/webhooks/endpoint", headers=headers(key), json={"url": url}
    )
    assert endpoint.status_code == 400


def test_deliveries_are_visible_only_to_their_key(
    hooked: tuple[ServerProcess, str], tmp_path: Path
) -> None:
    server, key = hooked
    other = create_key(server.env, credits=0, name="other")
    created = httpx.post(
        f"{server.url}/v2/video/generations",
        headers=headers(key),
        json={"model": "veo2", "prompt": "x"},
    ).json()
    assert _deliveries(server, other, created["id"]) == []
