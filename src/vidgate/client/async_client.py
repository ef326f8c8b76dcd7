"""``AsyncClient``: the SDK for asyncio (or trio), the mirror of ``Client`` over the same
operations (``operations.py``, ``polling.py``); only the driver differs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

from vidgate.client import calls, operations, polling
from vidgate.client.calls import Order, Variant
from vidgate.client.drivers import AsyncDriver
from vidgate.client.options import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, resolve_options
from vidgate.client.pagination import AsyncVideoPages
from vidgate.client.polling import DEFAULT_WAIT_TIMEOUT, ProgressCallback, Waiting
from vidgate.client.retries import RetryPolicy
from vidgate.client.types.input_reference import InputReference
from vidgate.client.types.param_value import ParamValue
from vidgate.client.types.video import Video
from vidgate.client.types.video_deleted import VideoDeleted
from vidgate.client.types.video_list import VideoList


class AsyncClient:
    """``Client`` for async code: the same arguments, ``await`` on every call, ``async for``
    over ``videos.list()``. ``on_progress`` callbacks are plain functions.

    ``wait``'s and ``generate``'s ``timeout`` is kept, although async code usually cancels
    from outside (``asyncio.timeout``): running out raises ``WaitTimeout`` carrying the last
    state seen, and leaves the generation running, which a cancellation cannot tell."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int | RetryPolicy = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        options = resolve_options(api_key, base_url, timeout, max_retries, headers)
        self._owns_http = http_client is None
        self._driver = AsyncDriver(http_client or httpx.AsyncClient(), options)
        self.videos = AsyncVideos(self._driver)

    async def generate(
        self,
        model: str,
        prompt: str,
        *,
        input_reference: InputReference | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - see the class docstring
        on_progress: ProgressCallback | None = None,
        poll_interval: float | None = None,
        idempotency_key: str | None = None,
        extra_body: Mapping[str, ParamValue] | None = None,
        **params: ParamValue,
    ) -> Video:
        """Create a video and (with ``wait``) return it once ``completed`` or ``failed``;
        raises ``WaitTimeout`` after ``timeout`` seconds. ``params`` are the model's fields
        (``seconds``, ``size``, ``negative_prompt``, …); ``extra_body`` takes them as a mapping
        too (for names such as ``timeout`` that are this method's own)."""
        fields = {**(extra_body or {}), **params}
        call = calls.create_call(model, prompt, fields, input_reference, idempotency_key)
        waiting = Waiting(timeout, on_progress, poll_interval) if wait else None
        return await self._driver.run(polling.generate(self._driver.options.retries, call, waiting))

    async def close(self) -> None:
        if self._owns_http:
            await self._driver.http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


class AsyncVideos:
    """``/v1/videos``."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver
        self._retries = driver.options.retries

    async def create(
        self,
        model: str,
        prompt: str,
        *,
        input_reference: InputReference | None = None,
        idempotency_key: str | None = None,
        extra_body: Mapping[str, ParamValue] | None = None,
        **params: ParamValue,
    ) -> Video:
        """Start a generation and return it at once (status ``queued``). ``params`` and
        ``extra_body`` are the model's fields (``seconds``, ``size``, …). Retries resend
        the same ``Idempotency-Key`` (a new one per call unless given), so they never start
        a second generation."""
        fields = {**(extra_body or {}), **params}
        call = calls.create_call(model, prompt, fields, input_reference, idempotency_key)
        return await self._driver.run(operations.fetch(call, self._retries, Video))

    async def retrieve(self, video_id: str) -> Video:
        return await self._driver.run(
            operations.fetch(calls.retrieve_call(video_id), self._retries, Video)
        )

    def list(
        self, *, limit: int | None = None, order: Order | None = None, after: str | None = None
    ) -> AsyncVideoPages:
        """Every video of the key, newest first unless ``order="asc"``, fetched ``limit``
        per page as the iteration goes."""

        async def fetch(cursor: str | None) -> VideoList:
            call = calls.list_call(cursor, limit, order)
            return await self._driver.run(operations.fetch(call, self._retries, VideoList))

        return AsyncVideoPages(fetch, after)

    async def cancel(self, video_id: str) -> Video:
        """Ask the server to stop; the video ends ``failed`` with error code ``cancelled``."""
        return await self._driver.run(
            operations.fetch(calls.cancel_call(video_id), self._retries, Video)
        )

    async def delete(self, video_id: str) -> VideoDeleted:
        """Delete a video and its files (a running one is cancelled first)."""
        call = calls.delete_call(video_id)
        return await self._driver.run(operations.fetch(call, self._retries, VideoDeleted))

    async def wait(
        self,
        video_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - see the class docstring
        on_progress: ProgressCallback | None = None,
        poll_interval: float | None = None,
    ) -> Video:
        """The video once ``completed`` or ``failed``, polling at the server's pace (or
        every ``poll_interval`` s); ``on_progress(video)`` on each change of status or
        progress. Raises ``WaitTimeout`` after ``timeout`` seconds; the job goes on."""
        waiting = Waiting(timeout, on_progress, poll_interval)
        return await self._driver.run(polling.wait(self._retries, video_id, waiting))

    async def download(
        self, video_id: str, path: str | Path, *, variant: Variant = "video"
    ) -> Path:
        """Stream the video (or its ``thumbnail`` / ``spritesheet``) to ``path`` in constant
        memory; ``path`` appears only once the whole file has arrived."""
        call = calls.content_call(video_id, variant)
        return await self._driver.run(operations.download(call, self._retries, Path(path)))
