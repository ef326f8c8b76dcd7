"""The HTTP client the vendor engines share.

A worker following thousands of vendor jobs sends their polls through one client, and
httpx's defaults break down there: only 20 of its 100 connections are kept alive, so most
polls open a new connection; every request beyond the pool's size waits in httpcore's
queue, which the pool scans on each request it finishes; and the pool itself looks at
every connection it holds on each request (``connection_stacks.py``). Here every
connection is kept alive in a pool that finds one in constant time, and a semaphore in
front of it holds the waiting requests (in FIFO order), so no queue forms inside. The pool
(and its TLS context) is made on the first request. The client keeps no cookies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from http.cookiejar import CookieJar
from typing import Any

import httpx

from vidgate.net.connection_stacks import stacked_transport
from vidgate.net.streams import OnCloseStream
from vidgate.net.tls import client_ssl_context

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
KEEPALIVE_EXPIRY = 5.0  # seconds; httpx's default


class BoundedTransport(httpx.AsyncBaseTransport):
    """At most ``limit`` requests inside the transport ``make_inner`` builds (on the first
    request) at once; the rest wait here. A slot is held until the response is closed
    (read in full, or a stream's context left)."""

    def __init__(self, make_inner: Callable[[], httpx.AsyncBaseTransport], limit: int) -> None:
        self._make_inner = make_inner
        self._inner: httpx.AsyncBaseTransport | None = None
        self._slots = asyncio.Semaphore(limit)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._slots.acquire()
        try:
            if self._inner is None:
                self._inner = self._make_inner()
            response = await self._inner.handle_async_request(request)
        except BaseException:
            self._slots.release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=OnCloseStream(response.stream, self._release),
            extensions=response.extensions,
        )

    async def _release(self) -> None:
        self._slots.release()

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


def vendor_client(max_connections: int) -> httpx.AsyncClient:
    transport = BoundedTransport(partial(_keepalive_transport, max_connections), max_connections)
    return httpx.AsyncClient(transport=transport, timeout=DEFAULT_TIMEOUT, cookies=_NoCookies())


def _keepalive_transport(max_idle_per_origin: int) -> httpx.AsyncHTTPTransport:
    return stacked_transport(
        client_ssl_context(),
        keepalive_expiry=KEEPALIVE_EXPIRY,
        max_idle_per_origin=max_idle_per_origin,
    )


class _NoCookies(CookieJar):
    """Vendor calls authenticate with a key of their deployment: a cookie one vendor sets
    must not ride along on another deployment's calls through the shared client. (Looking
    for cookies in every response also cost ~0.03 ms of CPU a request.)"""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None
