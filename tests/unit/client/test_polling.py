"""The wait operation, driven by hand: no I/O, no real time."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.unit.client.fakes import video
from vidgate.client import RetryPolicy, Video, WaitTimeout
from vidgate.client.polling import Waiting, poll_delay, wait
from vidgate.client.steps import Operation, Send, Sleep


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def drive(
    operation: Operation[Video], answers: list[httpx.Response], clock: FakeClock
) -> tuple[Video, list[float]]:
    """Answer each Send with the next response, advance the clock on each Sleep."""
    sleeps: list[float] = []
    outcome: httpx.Response | None = None
    try:
        while True:
            step = operation.send(outcome)
            if isinstance(step, Sleep):
                sleeps.append(step.seconds)
                clock.now += step.seconds
                outcome = None
            else:
                assert isinstance(step, Send) and step.call.path == "/v1/videos/video_1"
                outcome = answers.pop(0)
    except StopIteration as done:
        return done.value, sleeps


def answer(body: dict[str, Any], poll_after_ms: int | None = None) -> httpx.Response:
    headers = {} if poll_after_ms is None else {"openai-poll-after-ms": str(poll_after_ms)}
    request = httpx.Request("GET", "http://vidgate.test/v1/videos/video_1")
    return httpx.Response(200, json=body, headers=headers, request=request)


def test_it_polls_at_the_servers_pace_and_reports_each_change() -> None:
    seen: list[tuple[str, int]] = []
    answers = [
        answer(video(status="queued"), 2000),
        answer(video(status="queued"), 2000),
        answer(video(status="in_progress", progress=40), 500),
        answer(video(status="completed", progress=100)),
    ]
    waiting = Waiting(timeout=60, on_progress=lambda v: seen.append((v.status, v.progress)))
    clock = FakeClock()
    done, sleeps = drive(wait(RetryPolicy(), "video_1", waiting, clock=clock), answers, clock)
    assert done.status == "completed"
    assert sleeps == [2.0, 2.0, 0.5]
    assert seen == [("queued", 0), ("in_progress", 40), ("completed", 100)]


def test_it_gives_up_at_the_timeout_with_the_last_state() -> None:
    clock = FakeClock()
    answers = [answer(video(status="in_progress", progress=p), 4000) for p in (10, 20, 30)]
    with pytest.raises(WaitTimeout) as timeout:
        drive(wait(RetryPolicy(), "video_1", Waiting(timeout=5), clock=clock), answers, clock)
    assert timeout.value.video.progress == 30
    assert timeout.value.timeout == 5
    assert clock.now == 5.0  # slept 4 s, then the 1 s left, then looked a last time


def test_a_video_already_done_needs_no_poll() -> None:
    done = Video.model_validate(video(status="failed"))
    operation = wait(RetryPolicy(), "video_1", Waiting(), first=(done, answer(video())))
    result, sleeps = drive(operation, [], FakeClock())
    assert result is done and sleeps == []


@pytest.mark.parametrize(
    ("header", "override", "expected"),
    [
        (None, None, 1.0),
        ("3000", None, 3.0),
        ("junk", None, 1.0),
        ("1", None, 0.05),
        ("900000", None, 60.0),
        ("3000", 0.2, 0.2),
    ],
)
def test_poll_delay(header: str | None, override: float | None, expected: float) -> None:
    headers = {} if header is None else {"openai-poll-after-ms": header}
    assert poll_delay(httpx.Response(200, headers=headers), override) == expected
