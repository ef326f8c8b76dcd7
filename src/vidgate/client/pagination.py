"""``GET /v1/videos`` page after page: iterate a pager for every video, ``iter_pages()``
for the pages. Pages are fetched lazily, the next one ``after`` the previous ``last_id``,
while ``has_more`` is true."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

from vidgate.client.types.video import Video
from vidgate.client.types.video_list import VideoList


class VideoPages:
    def __init__(self, fetch: Callable[[str | None], VideoList], after: str | None) -> None:
        self._fetch = fetch
        self._after = after

    def first_page(self) -> VideoList:
        return self._fetch(self._after)

    def iter_pages(self) -> Iterator[VideoList]:
        after = self._after
        while True:
            page = self._fetch(after)
            yield page
            after = page.next_after
            if after is None:
                return

    def __iter__(self) -> Iterator[Video]:
        for page in self.iter_pages():
            yield from page.data


class AsyncVideoPages:
    def __init__(
        self, fetch: Callable[[str | None], Awaitable[VideoList]], after: str | None
    ) -> None:
        self._fetch = fetch
        self._after = after

    async def first_page(self) -> VideoList:
        return await self._fetch(self._after)

    async def iter_pages(self) -> AsyncIterator[VideoList]:
        after = self._after
        while True:
            page = await self._fetch(after)
            yield page
            after = page.next_after
            if after is None:
                return

    async def __aiter__(self) -> AsyncIterator[Video]:
        async for page in self.iter_pages():
            for video in page.data:
                yield video
