"""``Client``: the blocking SDK. ``client.videos.create / retrieve / list / cancel / delete /
wait / download`` and ``client.generate``; ``AsyncClient`` mirrors it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

from vidgate.client import calls, operations, polling
from vidgate.client.calls import Order, Variant
from vidgate.client.drivers import SyncDriver
from vidgate.client.options import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, resolve_options
from vidgate.client.pagination import VideoPages
from vidgate.client.polling import DEFAULT_WAIT_TIMEOUT, ProgressCallback, Waiting
from vidgate.client.retries import RetryPolicy
from vidgate.client.types.input_reference import InputReference
from vidgate.client.types.param_value import ParamValue
from vidgate.client.types.video import Video
from vidgate.client.types.video_deleted import VideoDeleted
from vidgate.client.types.video_list import VideoList


class Client:
    """A vidgate server at ``base_url`` (env ``VIDGATE_BASE_URL``, default
    ``http://127.0.0.1:8000``) with ``api_key`` (env ``VIDGATE_API_KEY``).

    Every request has ``timeout`` (default: connect 5 s, read 60 s) and is retried up to
    ``max_retries`` times on connection errors, 408, 429 and 5xx (pass a ``RetryPolicy``
    to tune the backoff). Pass ``http_client`` to bring your own ``httpx.Client``.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int | RetryPolicy = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        options = resolve_options(api_key, base_url, timeout, max_retries, headers)
        self._owns_http = http_client is None
        self._driver = SyncDriver(http_client or httpx.Client(), options)
        self.videos = Videos(self._driver)

    def generate(
        self,
        model: str,
        prompt: str,
        *,
        input_reference: InputReference | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
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
        return self._driver.run(polling.generate(self._driver.options.retries, call, waiting))

    def close(self) -> None:
        if self._owns_http:
            self._driver.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class Videos:
    """``/v1/videos``."""

    def __init__(self, driver: SyncDriver) -> None:
        self._driver = driver
        self._retries = driver.options.retries

    def create(
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
        return self._driver.run(operations.fetch(call, self._retries, Video))

    def retrieve(self, video_id: str) -> Video:
        return self._driver.run(
            operations.fetch(calls.retrieve_call(video_id), self._retries, Video)
        )

    def list(
        self, *, limit: int | None = None, order: Order | None = None, after: str | None = None
    ) -> VideoPages:
        """Every video of the key, newest first unless ``order="asc"``, fetched ``limit``
        per page as the iteration goes."""

        def fetch(cursor: str | None) -> VideoList:
            call = calls.list_call(cursor, limit, order)
            return self._driver.run(operations.fetch(call, self._retries, VideoList))

        return VideoPages(fetch, after)

    def cancel(self, video_id: str) -> Video:
        """Ask the server to stop; the video ends ``failed`` with error code ``cancelled``."""
        return self._driver.run(operations.fetch(calls.cancel_call(video_id), self._retries, Video))

    def delete(self, video_id: str) -> VideoDeleted:
        """Delete a video and its files (a running one is cancelled first)."""
        call = calls.delete_call(video_id)
        return self._driver.run(operations.fetch(call, self._retries, VideoDeleted))

    def wait(
        self,
        video_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | None = None,
    ) -> Video:
        """The video once ``completed`` or ``failed``, polling at the server's pace (or
        every ``poll_interval`` s); ``on_progress(video)`` on each change of status or
        progress. Raises ``WaitTimeout`` after ``timeout`` seconds; the job goes on."""
        waiting = Waiting(timeout, on_progress, poll_interval)
        return self._driver.run(polling.wait(self._retries, video_id, waiting))

    def download(self, video_id: str, path: str | Path, *, variant: Variant = "video") -> Path:
        """Stream the video (or its ``thumbnail`` / ``spritesheet``) to ``path`` in constant
        memory; ``path`` appears only once the whole file has arrived."""
        call = calls.content_call(video_id, variant)
        return self._driver.run(operations.download(call, self._retries, Path(path)))
