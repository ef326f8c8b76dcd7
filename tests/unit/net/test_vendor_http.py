"""The vendor HTTP client: a bounded number of requests in flight, connections reused."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.servers import serve_in_thread
from vidgate.net.vendor_http import vendor_client


class CountingApp:
    """Answers after a short pause; counts requests in flight and client connections."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most_in_flight = 0
        self.peers: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.peers.add(tuple(scope["client"]))
        try:
            await asyncio.sleep(0.02)
            body = b"x" * 100_000 if scope["path"] == "/big" else b"{}"
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
        finally:
            with self._lock:
                self.in_flight -= 1


@pytest.fixture
def counting() -> Iterator[tuple[CountingApp, str]]:
    app = CountingApp()
    with serve_in_thread(app) as url:
        yield app, url


async def test_requests_beyond_the_limit_wait_and_all_complete(
    counting: tuple[CountingApp, str],
) -> None:
    app, url = counting
    async with vendor_client(4) as client:
        answers = await asyncio.gather(*(client.get(f"{url}/poll") for _ in range(40)))

    assert [a.status_code for a in answers] == [200] * 40
    assert app.most_in_flight == 4
    assert len(app.peers) == 4  # every connection was kept alive and reused


async def test_a_streamed_response_holds_its_slot_until_closed(
    counting: tuple[CountingApp, str],
) -> None:
    _, url = counting
    async with vendor_client(1) as client:
        async with client.stream("GET", f"{url}/big") as streamed:
            second = asyncio.create_task(client.get(f"{url}/poll"))
            await asyncio.sleep(0.1)
            assert not second.done()
            size = sum([len(chunk) async for chunk in streamed.aiter_bytes()])
        assert (await asyncio.wait_for(second, 5)).status_code == 200

    assert size == 100_000


async def test_a_failed_request_gives_its_slot_back() -> None:
    async with vendor_client(1) as client:
        for _ in range(3):
            with pytest.raises(httpx.ConnectError):
                await asyncio.wait_for(client.get("http://127.0.0.1:9/unreachable"), 5)
