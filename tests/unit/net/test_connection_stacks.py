"""The vendor client's keep-alive pool: one connection reused, dead and surplus ones retired."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx
import pytest

from tests.support.servers import serve_in_thread
from vidgate.net.connection_stacks import ConnectionStacks, stacked_transport
from vidgate.net.vendor_http import vendor_client


class PeerRecordingApp:
    """Answers ``{}`` after ``pause`` seconds; records each request's client address and
    Cookie header, and sets a cookie on every answer."""

    def __init__(self, pause: float = 0.0) -> None:
        self.pause = pause
        self.peers: list[tuple[str, int]] = []
        self.cookies: list[str | None] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = dict(scope["headers"])
        with self._lock:
            self.peers.append(tuple(scope["client"]))
            cookie = headers.get(b"cookie")
            self.cookies.append(cookie.decode() if cookie else None)
        await asyncio.sleep(self.pause)
        answer = [(b"set-cookie", b"session=from-the-vendor; Path=/")]
        await send({"type": "http.response.start", "status": 200, "headers": answer})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.fixture
def app() -> PeerRecordingApp:
    return PeerRecordingApp()


@pytest.fixture
def url(app: PeerRecordingApp) -> Iterator[str]:
    with serve_in_thread(app) as base:
        yield base


def transport(*, keepalive_expiry: float = 5.0, max_idle: int = 8) -> httpx.AsyncHTTPTransport:
    return stacked_transport(
        ssl.create_default_context(),
        keepalive_expiry=keepalive_expiry,
        max_idle_per_origin=max_idle,
    )


def pool_of(client_transport: httpx.AsyncHTTPTransport) -> ConnectionStacks:
    pool = client_transport._pool
    assert isinstance(pool, ConnectionStacks)
    return pool


async def test_requests_one_after_another_share_one_connection(
    app: PeerRecordingApp, url: str
) -> None:
    async with httpx.AsyncClient(transport=transport()) as client:
        answers = [await client.get(f"{url}/poll") for _ in range(10)]

    assert [a.status_code for a in answers] == [200] * 10
    assert len(set(app.peers)) == 1


async def test_concurrent_requests_open_connections_and_the_surplus_is_closed(url: str) -> None:
    slow = PeerRecordingApp(pause=0.1)
    with serve_in_thread(slow) as slow_url:
        kept = transport(max_idle=2)
        async with httpx.AsyncClient(transport=kept) as client:
            answers = await asyncio.gather(*(client.get(f"{slow_url}/poll") for _ in range(5)))
            origin = httpcore.URL(slow_url).origin
            idle = pool_of(kept).idle_connections(origin)
            again = [await client.get(f"{slow_url}/poll") for _ in range(3)]

    assert [a.status_code for a in answers + again] == [200] * 8
    assert len(set(slow.peers[:5])) == 5
    assert idle == 2
    assert set(slow.peers[5:]) <= set(slow.peers[:5])  # reused, not opened anew


async def test_a_connection_the_server_closed_is_replaced_without_an_error() -> None:
    app = PeerRecordingApp()
    with serve_in_thread(app, keep_alive_seconds=0.2) as url:
        async with httpx.AsyncClient(transport=transport()) as client:
            first = await client.get(f"{url}/poll")
            await asyncio.sleep(0.6)  # the server hangs up the idle connection meanwhile
            second = await client.get(f"{url}/poll")

    assert (first.status_code, second.status_code) == (200, 200)
    assert len(set(app.peers)) == 2


async def test_a_connection_idle_past_its_keepalive_expiry_is_not_reused(
    app: PeerRecordingApp, url: str
) -> None:
    async with httpx.AsyncClient(transport=transport(keepalive_expiry=0.1)) as client:
        await client.get(f"{url}/poll")
        await asyncio.sleep(0.3)
        await client.get(f"{url}/poll")
        await client.get(f"{url}/poll")

    assert len(set(app.peers)) == 2
    assert app.peers[1] == app.peers[2]


async def test_a_failed_exchange_does_not_return_its_connection(
    app: PeerRecordingApp, url: str
) -> None:
    kept = transport()
    async with httpx.AsyncClient(transport=kept) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("http://127.0.0.1:9/unreachable")
        await client.get(f"{url}/poll")

    assert pool_of(kept).idle_connections(httpcore.URL("http://127.0.0.1:9/").origin) == 0


async def test_closing_the_transport_closes_its_idle_connections(
    app: PeerRecordingApp, url: str
) -> None:
    kept = transport()
    client = httpx.AsyncClient(transport=kept)
    await client.get(f"{url}/poll")
    await client.aclose()

    assert pool_of(kept).idle_connections(httpcore.URL(url).origin) == 0


async def test_the_vendor_client_sends_back_no_cookie_a_vendor_set(
    app: PeerRecordingApp, url: str
) -> None:
    async with vendor_client(4) as client:
        first = await client.get(f"{url}/poll")
        await client.get(f"{url}/poll")

    assert "session=from-the-vendor" in first.headers["set-cookie"]
    assert app.cookies == [None, None]
    assert len(set(app.peers)) == 1
