"""Job events as NOTIFY payloads."""

from __future__ import annotations

import pytest

from vidgate.store.events import JobEvent


@pytest.mark.parametrize("event", [JobEvent.queued("kling-main"), JobEvent.cancel("video_0a1b")])
def test_an_event_survives_its_payload(event: JobEvent) -> None:
    assert JobEvent.decode(event.encode()) == event


def test_a_deployment_name_with_a_colon_keeps_it() -> None:
    assert JobEvent.decode("queued:eu:kling") == JobEvent.queued("eu:kling")


@pytest.mark.parametrize("payload", ["", "queued", "queued:", "finished:video_1", ":x"])
def test_a_payload_this_version_does_not_know_is_ignored(payload: str) -> None:
    assert JobEvent.decode(payload) is None
