"""A response body that runs a callback once, when it is closed.

The vendor client's layers each hold something for as long as a response is open: the
bounded transport a slot, the keep-alive pool the connection. A body is closed when read
to its end or when a stream's context is left, and closing runs the callback whatever
happened before.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Protocol

import httpx


class ClosableBody(AsyncIterable[bytes], Protocol):
    async def aclose(self) -> None: ...


class OnCloseStream(httpx.AsyncByteStream):
    def __init__(self, inner: ClosableBody, on_close: Callable[[], Awaitable[None]]) -> None:
        self._inner = inner
        self._on_close: Callable[[], Awaitable[None]] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            on_close, self._on_close = self._on_close, None
            if on_close is not None:
                await on_close()
