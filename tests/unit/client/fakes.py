"""Fakes for the SDK's unit tests: answers built by hand, served through httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from vidgate.client import AsyncClient, Client, RetryPolicy

BASE = "http://vidgate.test"
# No waiting between retries in unit tests; the schedule itself is tested in test_retries.
NO_BACKOFF = RetryPolicy(max_retries=2, initial_delay=0.0)

Handler = Callable[[httpx.Request], httpx.Response]


def video(video_id: str = "video_1", status: str = "queued", progress: int = 0) -> dict[str, Any]:
    return {
        "id": video_id,
        "object": "video",
        "created_at": 1700000000,
        "completed_at": None,
        "expires_at": None,
        "status": status,
        "progress": progress,
        "model": "veo2",
        "seconds": "8",
        "size": "1280x720",
        "prompt": "a cheetah",
        "remixed_from_video_id": None,
        "error": None,
        "usage": {"credits": 0},
        "engine": "sandbox",
    }


def error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    body = {"error": {"message": message, "type": "x", "param": None, "code": code}}
    return httpx.Response(status, json=body, headers={"x-request-id": "req_1", **headers})


def sync_client(handler: Handler, retries: RetryPolicy = NO_BACKOFF) -> Client:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return Client(base_url=BASE, api_key="vg_test", max_retries=retries, http_client=http)


def async_client(handler: Handler, retries: RetryPolicy = NO_BACKOFF) -> AsyncClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AsyncClient(base_url=BASE, api_key="vg_test", max_retries=retries, http_client=http)
