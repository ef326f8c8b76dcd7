"""Waiting for a video: poll ``GET /v1/videos/{id}`` at the pace the server asks for
(``openai-poll-after-ms``), report each change, give up after a total timeout.

Why polling rather than ``Prefer: wait=N``: a long-poll answers only when the job ends, so
a progress callback would see nothing in between; short polls at the server's own pace
report every status and progress change, and work against any OpenAI-shaped server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from vidgate.client.calls import Call, retrieve_call
from vidgate.client.errors import WaitTimeout
from vidgate.client.operations import parsed, send
from vidgate.client.retries import RetryPolicy
from vidgate.client.steps import Operation, Sleep
from vidgate.client.types.video import Video

DEFAULT_WAIT_TIMEOUT = 30 * 60.0
DEFAULT_POLL_SECONDS = 1.0
MIN_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 60.0

ProgressCallback = Callable[[Video], object]


@dataclass(frozen=True, slots=True)
class Waiting:
    """How to wait: total ``timeout`` in seconds, ``on_progress(video)`` on every change of
    status or progress, ``poll_interval`` to override the server's pace."""

    timeout: float = DEFAULT_WAIT_TIMEOUT
    on_progress: ProgressCallback | None = None
    poll_interval: float | None = None


def poll_delay(response: httpx.Response, override: float | None) -> float:
    if override is not None:
        return max(override, 0.0)
    try:
        seconds = int(response.headers["openai-poll-after-ms"]) / 1000.0
    except (KeyError, ValueError):
        return DEFAULT_POLL_SECONDS
    return min(max(seconds, MIN_POLL_SECONDS), MAX_POLL_SECONDS)


def wait(
    policy: RetryPolicy,
    video_id: str,
    waiting: Waiting,
    first: tuple[Video, httpx.Response] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Operation[Video]:
    """The video once it is ``completed`` or ``failed``; ``WaitTimeout`` if it is still
    running after ``waiting.timeout`` seconds. ``first`` is a state already in hand (the
    create's answer): it is reported, and polling starts after its delay."""
    deadline = clock() + waiting.timeout
    seen: tuple[str, int] | None = None
    latest = first
    while True:
        if latest is not None:
            video, response = latest
            seen = _report(waiting, video, seen)
            if video.done:
                return video
            remaining = deadline - clock()
            if remaining <= 0:
                raise WaitTimeout(video, waiting.timeout)
            yield Sleep(min(poll_delay(response, waiting.poll_interval), remaining))
        response = yield from send(retrieve_call(video_id), policy)
        latest = parsed(Video, response), response


def generate(policy: RetryPolicy, create: Call, waiting: Waiting | None) -> Operation[Video]:
    """Create; then, unless ``waiting`` is None, wait for the end."""
    response = yield from send(create, policy)
    video = parsed(Video, response)
    if waiting is None:
        return video
    return (yield from wait(policy, video.id, waiting, first=(video, response)))


def _report(waiting: Waiting, video: Video, seen: tuple[str, int] | None) -> tuple[str, int]:
    state = (video.status, video.progress)
    if state != seen and waiting.on_progress is not None:
        waiting.on_progress(video)
    return state
