"""A keep-alive pool that finds a connection in constant time.

httpcore's pool looks at every pooled connection when a request arrives and again when
its response closes, probing each idle socket and counting the idle connections once per
idle connection: with 64 connections kept alive that is about 0.7 ms of CPU per request,
most of what a worker following thousands of vendor tasks spent. Here idle connections
wait on one stack per origin. A request takes the most recently used one and probes only
that; a closed response puts its connection back on top and retires the bottom one (the
longest idle) once its keep-alive has run out or the server has hung up.

It speaks HTTP/1.1 only and without a proxy, which is all the vendor client needs; the
connections and their protocol are httpcore's. The bound on connections in use is the
caller's (``vendor_http.BoundedTransport``); this pool opens one whenever none is idle.
"""

from __future__ import annotations

import ssl
from collections import deque
from functools import partial
from typing import cast

import httpcore
import httpx

from vidgate.net.streams import ClosableBody, OnCloseStream


def stacked_transport(
    ssl_context: ssl.SSLContext, *, keepalive_expiry: float, max_idle_per_origin: int
) -> httpx.AsyncHTTPTransport:
    """httpx's transport with its pool replaced by ``ConnectionStacks``."""
    transport = httpx.AsyncHTTPTransport(verify=ssl_context)
    # httpx builds the request and response objects and maps httpcore's errors around its
    # ``_pool``, which it builds itself; only the pool is swapped.
    transport._pool = ConnectionStacks(  # type: ignore[assignment]
        ssl_context=ssl_context,
        keepalive_expiry=keepalive_expiry,
        max_idle_per_origin=max_idle_per_origin,
    )
    return transport


class ConnectionStacks:
    """Idle keep-alive connections, one stack per origin (the ``httpcore`` pool interface
    that ``httpx.AsyncHTTPTransport`` calls)."""

    def __init__(
        self, *, ssl_context: ssl.SSLContext, keepalive_expiry: float, max_idle_per_origin: int
    ) -> None:
        self._ssl_context = ssl_context
        self._keepalive_expiry = keepalive_expiry
        self._max_idle = max_idle_per_origin
        self._idle: dict[OriginKey, deque[httpcore.AsyncHTTPConnection]] = {}
        self._closed = False

    def idle_connections(self, origin: httpcore.Origin) -> int:
        return len(self._idle.get(_key(origin), ()))

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        origin = request.url.origin
        while True:
            connection, reused = await self._take(origin)
            try:
                response = await connection.handle_async_request(request)
            except httpcore.ConnectionNotAvailable:
                if reused:  # it went away between the probe and the send: take another
                    continue
                raise
            except BaseException:
                await self._give_back(origin, connection)
                raise
            body = cast(ClosableBody, response.stream)  # an HTTP/1.1 body: it has aclose
            return httpcore.Response(
                status=response.status,
                headers=response.headers,
                content=OnCloseStream(body, partial(self._give_back, origin, connection)),
                extensions=response.extensions,
            )

    async def _take(self, origin: httpcore.Origin) -> tuple[httpcore.AsyncHTTPConnection, bool]:
        stack = self._idle.get(_key(origin))
        while stack:
            connection = stack.pop()
            if not connection.is_closed() and not connection.has_expired():
                return connection, True
            await connection.aclose()
        fresh = httpcore.AsyncHTTPConnection(
            origin=origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            http1=True,
            http2=False,
        )
        return fresh, False

    async def _give_back(
        self, origin: httpcore.Origin, connection: httpcore.AsyncHTTPConnection
    ) -> None:
        # httpcore leaves a connection idle after a complete exchange and closes it after
        # any other ending (an error, a response closed before its end).
        if connection.is_closed() or not connection.is_idle():
            return
        if self._closed:
            await connection.aclose()
            return
        stack = self._idle.setdefault(_key(origin), deque())
        stack.append(connection)
        oldest = stack[0]
        if len(stack) > self._max_idle or (oldest is not connection and oldest.has_expired()):
            await stack.popleft().aclose()

    async def aclose(self) -> None:
        self._closed = True
        stacks, self._idle = self._idle, {}
        for stack in stacks.values():
            for connection in stack:
                await connection.aclose()

    async def __aenter__(self) -> ConnectionStacks:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


OriginKey = tuple[bytes, bytes, int]


def _key(origin: httpcore.Origin) -> OriginKey:
    return origin.scheme, origin.host, origin.port  # httpcore's Origin is not hashable
