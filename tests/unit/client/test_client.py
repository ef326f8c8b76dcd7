"""Client and AsyncClient over httpx.MockTransport: headers, retries with one idempotency
key, errors, waiting and streaming downloads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.unit.client.fakes import BASE, async_client, error, sync_client, video
from vidgate.client import (
    APIConnectionError,
    APIResponseValidationError,
    BadRequestError,
    Client,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    VidgateClientError,
)


class Script:
    """Answers requests from a list: a response, or an exception to raise (a dropped
    connection); records every request."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        request.read()
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def dropped() -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("Server disconnected without sending a response.")


def test_every_request_carries_the_key_and_the_sdk() -> None:
    script = Script(httpx.Response(200, json=video()))
    with sync_client(script) as client:
        client.videos.retrieve("video_1")
    (request,) = script.requests
    assert request.url == f"{BASE}/v1/videos/video_1"
    assert request.headers["authorization"] == "Bearer vg_test"
    assert request.headers["user-agent"].startswith("vidgate-python/")


def test_the_base_url_may_end_in_v1() -> None:
    script = Script(httpx.Response(200, json=video()))
    http = httpx.Client(transport=httpx.MockTransport(script))
    with Client(base_url=f"{BASE}/v1/", api_key="k", http_client=http) as client:
        client.videos.retrieve("video_1")
    assert script.requests[0].url == f"{BASE}/v1/videos/video_1"


def test_a_key_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIDGATE_API_KEY", raising=False)
    with pytest.raises(VidgateClientError, match="API key"):
        Client()


def test_the_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDGATE_API_KEY", "vg_env")
    monkeypatch.setenv("VIDGATE_BASE_URL", BASE)
    script = Script(httpx.Response(200, json=video()))
    with Client(http_client=httpx.Client(transport=httpx.MockTransport(script))) as client:
        client.videos.retrieve("video_1")
    assert script.requests[0].headers["authorization"] == "Bearer vg_env"


def test_default_timeouts_are_five_seconds_to_connect_and_sixty_to_read() -> None:
    script = Script(httpx.Response(200, json=video()))
    with sync_client(script) as client:
        client.videos.retrieve("video_1")
    timeout = script.requests[0].extensions["timeout"]
    assert (timeout["connect"], timeout["read"]) == (5.0, 60.0)


def test_a_retried_create_sends_the_same_idempotency_key_every_time() -> None:
    script = Script(dropped(), error(502, "bad_gateway", "x"), httpx.Response(200, json=video()))
    with sync_client(script) as client:
        created = client.videos.create("veo2", "a cheetah", seconds=8)
    keys = {r.headers["idempotency-key"] for r in script.requests}
    assert created.id == "video_1"
    assert len(script.requests) == 3 and len(keys) == 1
    assert {r.content for r in script.requests} == {script.requests[0].content}


def test_two_creates_have_two_keys() -> None:
    script = Script(httpx.Response(200, json=video()), httpx.Response(200, json=video("v2")))
    with sync_client(script) as client:
        client.videos.create("veo2", "a")
        client.videos.create("veo2", "a")
    assert len({r.headers["idempotency-key"] for r in script.requests}) == 2


def test_a_multipart_create_is_resent_whole() -> None:
    script = Script(dropped(), httpx.Response(200, json=video()))
    with sync_client(script) as client:
        client.videos.create("m", "p", input_reference=("a.png", b"\x89PNG", "image/png"))
    first, second = script.requests
    assert first.headers["content-type"].startswith("multipart/form-data")
    assert b"\x89PNG" in first.content and b"\x89PNG" in second.content
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


def test_the_server_can_say_do_not_retry() -> None:
    script = Script(error(500, "internal", "boom", **{"x-should-retry": "false"}))
    with sync_client(script) as client, pytest.raises(InternalServerError) as failed:
        client.videos.create("veo2", "x")
    assert len(script.requests) == 1
    assert (failed.value.status_code, failed.value.request_id) == (500, "req_1")


def test_client_errors_are_raised_at_once() -> None:
    script = Script(error(400, "invalid_request", "size: no", param="size"))
    with sync_client(script) as client, pytest.raises(BadRequestError):
        client.videos.create("veo2", "x", size="1x1")
    assert len(script.requests) == 1


def test_retries_end_with_the_last_error() -> None:
    script = Script(*(error(429, "rate_limited", "slow down", **{"retry-after": "0"}),) * 3)
    with sync_client(script) as client, pytest.raises(RateLimitError):
        client.videos.retrieve("video_1")
    assert len(script.requests) == 3  # the first attempt and max_retries=2


def test_a_connection_that_never_answers_is_a_connection_error() -> None:
    script = Script(dropped(), dropped(), dropped())
    with sync_client(script) as client, pytest.raises(APIConnectionError) as failed:
        client.videos.retrieve("video_1")
    assert isinstance(failed.value.__cause__, httpx.RemoteProtocolError)


def test_wait_polls_until_done_and_reports_progress() -> None:
    fast = {"openai-poll-after-ms": "1"}
    script = Script(
        httpx.Response(200, json=video(status="queued"), headers=fast),
        httpx.Response(200, json=video(status="in_progress", progress=50), headers=fast),
        httpx.Response(200, json=video(status="completed", progress=100)),
    )
    seen: list[str] = []
    with sync_client(script) as client:
        done = client.videos.wait("video_1", on_progress=lambda v: seen.append(v.status))
    assert done.status == "completed" and done.usage is not None and done.engine == "sandbox"
    assert seen == ["queued", "in_progress", "completed"]


def test_generate_creates_then_waits() -> None:
    script = Script(
        httpx.Response(200, json=video(status="queued"), headers={"openai-poll-after-ms": "1"}),
        httpx.Response(200, json=video(status="completed", progress=100)),
    )
    with sync_client(script) as client:
        done = client.generate("veo2", "x", size="1280x720")
    assert done.status == "completed"
    assert [r.method for r in script.requests] == ["POST", "GET"]


def test_download_streams_to_the_path_and_leaves_nothing_else(tmp_path: Path) -> None:
    body = bytes(range(256)) * 10_000
    script = Script(httpx.Response(200, content=body, headers={"content-type": "video/mp4"}))
    target = tmp_path / "sub" / "out.mp4"
    with sync_client(script) as client:
        assert client.videos.download("video_1", target) == target
    assert target.read_bytes() == body
    assert list(target.parent.iterdir()) == [target]
    assert script.requests[0].url.params["variant"] == "video"


def test_a_failed_download_leaves_the_path_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out.mp4"
    target.write_bytes(b"old")
    script = Script(error(404, "not_found", "video 'video_1' is not ready yet"))
    with sync_client(script) as client, pytest.raises(NotFoundError, match="not ready"):
        client.videos.download("video_1", target)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_download_cut_halfway_is_retried_from_the_start(tmp_path: Path) -> None:
    class Halfway(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b"half"
            raise httpx.ReadError("reset")

    script = Script(
        httpx.Response(200, stream=Halfway()), httpx.Response(200, content=b"whole file")
    )
    target = tmp_path / "out.mp4"
    with sync_client(script) as client:
        client.videos.download("video_1", target)
    assert target.read_bytes() == b"whole file"
    assert list(tmp_path.iterdir()) == [target]


def test_a_body_of_the_wrong_shape_is_a_validation_error() -> None:
    script = Script(httpx.Response(200, json={"id": 1}))
    with sync_client(script) as client, pytest.raises(APIResponseValidationError):
        client.videos.retrieve("video_1")


def test_cancel_and_delete() -> None:
    script = Script(
        httpx.Response(
            200, json=video(status="failed") | {"error": {"code": "cancelled", "message": "by you"}}
        ),
        httpx.Response(200, json={"id": "video_1", "object": "video.deleted", "deleted": True}),
    )
    with sync_client(script) as client:
        cancelled = client.videos.cancel("video_1")
        deleted = client.videos.delete("video_1")
    assert cancelled.error is not None and cancelled.error.code == "cancelled"
    assert deleted.deleted
    assert [(r.method, r.url.path) for r in script.requests] == [
        ("POST", "/v1/videos/video_1/cancel"),
        ("DELETE", "/v1/videos/video_1"),
    ]


async def test_the_async_client_mirrors_the_sync_one(tmp_path: Path) -> None:
    fast = {"openai-poll-after-ms": "1"}
    script = Script(
        dropped(),
        httpx.Response(200, json=video(status="queued"), headers=fast),
        httpx.Response(200, json=video(status="completed", progress=100)),
        httpx.Response(200, content=b"mp4 bytes"),
        error(404, "not_found", "gone"),
    )
    seen: list[str] = []
    async with async_client(script) as client:
        done = await client.generate("veo2", "x", on_progress=lambda v: seen.append(v.status))
        path = await client.videos.download(done.id, tmp_path / "a.mp4", variant="video")
        with pytest.raises(NotFoundError):
            await client.videos.retrieve("video_1")
    assert seen == ["queued", "completed"]
    assert path.read_bytes() == b"mp4 bytes"
    first, retry = script.requests[:2]
    assert first.headers["idempotency-key"] == retry.headers["idempotency-key"]
