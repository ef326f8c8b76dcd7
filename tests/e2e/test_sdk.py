"""The SDK (``vidgate.client``) and ``vidgate generate`` against a real ``vidgate serve``."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import httpx
import pytest

from tests.support.media import data_uri, png_bytes
from tests.support.server_process import VIDGATE, ServerProcess, run_cli
from vidgate.client import (
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    InsufficientCreditsError,
    NotFoundError,
    RetryPolicy,
    Variant,
    Video,
    WaitTimeout,
)

pytestmark = pytest.mark.slow

FAST = "wan/v2.1/1.3b/text-to-video"  # the sandbox renders it in about a second
I2V = "kling-video/v1/standard/image-to-video"  # 720x720, the smallest image-to-video
QUICK_RETRIES = RetryPolicy(max_retries=2, initial_delay=0.05)
MAGIC = {"video": b"ftyp", "thumbnail": b"WEBP", "spritesheet": b"\xff\xd8\xff"}


@pytest.fixture
def client(server: ServerProcess, sandbox_key: str) -> Iterator[Client]:
    with Client(base_url=server.url, api_key=sandbox_key) as sdk:
        yield sdk


def issue_key(server: ServerProcess, admin_key: str, kind: str, credits: int = 0) -> str:
    response = httpx.post(
        f"{server.url}/admin/keys",
        headers={"Authorization": f"Bearer {admin_key}"},
        json={"name": "sdk-test", "kind": kind, "credits": credits},
    )
    response.raise_for_status()
    return str(response.json()["secret"])


@pytest.fixture
def own_key(server: ServerProcess, admin_key: str) -> str:
    """A sandbox key of this test's own, so its listing holds only this test's videos."""
    return issue_key(server, admin_key, "sandbox")


@pytest.fixture(scope="module")
def finished(server: ServerProcess, sandbox_key: str) -> Video:
    with Client(base_url=server.url, api_key=sandbox_key) as sdk:
        return sdk.generate(FAST, "a kite over the dunes", poll_interval=0.2)


def test_create_retrieve_and_wait_report_every_change(client: Client) -> None:
    created = client.videos.create(FAST, "a kite", seconds=5)
    assert (created.status, created.model, created.seconds) == ("queued", FAST, "5")
    assert client.videos.retrieve(created.id).id == created.id
    seen: list[tuple[str, int]] = []
    done = client.videos.wait(created.id, on_progress=lambda v: seen.append((v.status, v.progress)))
    assert done.status == "completed" and done.progress == 100 and done.completed_at
    assert done.engine == "sandbox" and done.usage is not None and done.usage.credits == 0
    assert seen[-1] == ("completed", 100) and len(seen) == len(set(seen))
    statuses = [status for status, _ in seen]
    assert statuses == sorted(statuses, key=["queued", "in_progress", "completed"].index)


@pytest.mark.parametrize("variant", ["video", "thumbnail", "spritesheet"])
def test_download_streams_each_variant_to_a_file(
    client: Client, finished: Video, tmp_path: Path, variant: Variant
) -> None:
    target = tmp_path / f"out.{variant}"
    path = client.videos.download(finished.id, target, variant=variant)
    assert path == target and MAGIC[variant] in target.read_bytes()[:16]
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind


def test_list_pages_through_every_video_of_the_key(server: ServerProcess, own_key: str) -> None:
    with Client(base_url=server.url, api_key=own_key) as sdk:
        made = [sdk.videos.create(FAST, f"clip {n}").id for n in range(5)]
        newest_first = [v.id for v in sdk.videos.list(limit=2)]
        oldest_first = [v.id for v in sdk.videos.list(limit=2, order="asc")]
        pages = [len(page.data) for page in sdk.videos.list(limit=2).iter_pages()]
        first = sdk.videos.list(limit=2).first_page()
    assert newest_first == made[::-1] and oldest_first == made
    assert pages == [2, 2, 1]
    assert first.has_more and first.last_id == made[-2]


def test_cancel_then_delete(client: Client) -> None:
    video = client.videos.create("veo2", "a long one", size="1280x720")
    client.videos.cancel(video.id)
    stopped = client.videos.wait(video.id, timeout=30, poll_interval=0.1)
    assert stopped.status == "failed"
    assert stopped.error is not None and stopped.error.code == "cancelled"
    deleted = client.videos.delete(video.id)
    assert deleted.deleted and deleted.id == video.id
    with pytest.raises(NotFoundError) as gone:
        client.videos.retrieve(video.id)
    assert gone.value.code == "not_found" and gone.value.request_id


def test_generate_with_an_uploaded_image_and_with_a_data_url(
    client: Client, tmp_path: Path
) -> None:
    image = tmp_path / "first.png"
    image.write_bytes(png_bytes(720, 720))
    uploaded = client.generate(I2V, "it comes alive", input_reference=image)
    linked = client.generate(I2V, "it comes alive", input_reference=data_uri(png_bytes(720, 720)))
    assert uploaded.status == linked.status == "completed"


def test_generate_without_waiting_returns_the_queued_video(client: Client) -> None:
    video = client.generate(FAST, "later", wait=False)
    assert video.status == "queued"


def test_errors_are_named_after_statuses(
    server: ServerProcess, admin_key: str, client: Client
) -> None:
    with pytest.raises(BadRequestError) as bad:
        client.videos.create("veo2", "x", size="1x1")
    assert bad.value.param == "size" and bad.value.status_code == 400
    assert bad.value.request_id and "1280x720" in bad.value.message
    with pytest.raises(NotFoundError, match="not ready"):
        client.videos.download(client.videos.create(FAST, "x").id, Path("/nonexistent/x"))
    stranger = Client(base_url=server.url, api_key="vg_live_nope")
    with stranger, pytest.raises(AuthenticationError):
        stranger.videos.retrieve("video_x")
    broke = issue_key(server, admin_key, "live", credits=0)
    poor = Client(base_url=server.url, api_key=broke)
    with poor, pytest.raises(InsufficientCreditsError) as short:
        poor.videos.create("veo2", "x")
    assert short.value.code == "insufficient_credits"


def test_a_wait_that_runs_out_leaves_the_video_running(client: Client) -> None:
    video = client.videos.create(FAST, "not yet")
    with pytest.raises(WaitTimeout) as timeout:
        client.videos.wait(video.id, timeout=0.2, poll_interval=0.05)
    assert timeout.value.video.id == video.id and not timeout.value.video.done
    assert client.videos.wait(video.id, poll_interval=0.2).status == "completed"


async def test_the_async_client_does_it_all(
    server: ServerProcess, own_key: str, tmp_path: Path
) -> None:
    seen: list[str] = []
    async with AsyncClient(base_url=server.url, api_key=own_key) as sdk:
        done = await sdk.generate(FAST, "async kite", on_progress=lambda v: seen.append(v.status))
        created = await sdk.videos.create(FAST, "second")
        assert (await sdk.videos.retrieve(created.id)).id == created.id
        waited = await sdk.videos.wait(created.id, poll_interval=0.1)
        listed = [v.id async for v in sdk.videos.list(limit=1)]
        files = [
            await sdk.videos.download(done.id, tmp_path / variant, variant=variant)
            for variant in ("video", "thumbnail", "spritesheet")
        ]
        running = await sdk.videos.create("veo2", "to cancel", size="1280x720")
        await sdk.videos.cancel(running.id)
        cancelled = await sdk.videos.wait(running.id, timeout=30, poll_interval=0.1)
        deleted = await sdk.videos.delete(running.id)
        with pytest.raises(NotFoundError):
            await sdk.videos.retrieve(running.id)
    assert done.status == waited.status == "completed" and seen[-1] == "completed"
    assert listed == [created.id, done.id]
    assert [MAGIC[p.name] in p.read_bytes()[:16] for p in files] == [True] * 3
    assert cancelled.error is not None and cancelled.error.code == "cancelled"
    assert deleted.deleted


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 in front of the server. It relays HTTP/1.1 exchanges, except
    for the first ``cuts`` ``POST /v1/videos``: that request is forwarded whole, the server's
    answer is read in full, and then the client's connection is closed without a byte of it.
    The server did the work; the client never heard."""

    def __init__(self, upstream_port: int, cuts: int = 1) -> None:
        self.upstream_port = upstream_port
        self.cuts_left = cuts
        self.creates_forwarded = 0
        self.idempotency_keys: list[str | None] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> CuttingProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        with client, upstream, client.makefile("rb") as ask, upstream.makefile("rb") as hear:
            while (request := read_message(ask)) is not None:
                upstream.sendall(request)
                response = read_message(hear)
                assert response is not None, "the server closed the connection"
                if self._cut(request):
                    client.shutdown(socket.SHUT_RDWR)
                    return
                client.sendall(response)

    def _cut(self, request: bytes) -> bool:
        if not request.startswith(b"POST /v1/videos "):
            return False
        key = re.search(rb"(?im)^idempotency-key:\s*(\S+)", request)
        with self._lock:
            self.creates_forwarded += 1
            self.idempotency_keys.append(key.group(1).decode() if key else None)
            cut = self.cuts_left > 0
            self.cuts_left -= int(cut)
        return cut


def read_message(stream: BinaryIO) -> bytes | None:
    """One HTTP/1.1 message with a Content-Length body (or none); None at end of stream."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = stream.readline()
        if not line:
            assert not head, "connection closed mid-message"
            return None
        head += line
    assert b"transfer-encoding: chunked" not in head.lower()
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return head + stream.read(int(length.group(1)) if length else 0)


def test_a_create_whose_answer_is_lost_is_retried_into_one_generation(
    server: ServerProcess, own_key: str
) -> None:
    with (
        CuttingProxy(server.port) as proxy,
        Client(base_url=proxy.url, api_key=own_key, max_retries=QUICK_RETRIES) as sdk,
    ):
        video = sdk.videos.create(FAST, "only once", seconds=5)
    assert proxy.creates_forwarded == 2 and proxy.cuts_left == 0
    first, retry = proxy.idempotency_keys
    assert first is not None and first == retry
    with Client(base_url=server.url, api_key=own_key) as direct:
        assert [v.id for v in direct.videos.list()] == [video.id]


async def test_an_async_create_with_an_upload_is_retried_into_one_generation(
    server: ServerProcess, own_key: str
) -> None:
    image = ("first.png", png_bytes(720, 720), "image/png")
    with CuttingProxy(server.port) as proxy:
        async with AsyncClient(
            base_url=proxy.url, api_key=own_key, max_retries=QUICK_RETRIES
        ) as sdk:
            video = await sdk.videos.create(I2V, "once", input_reference=image)
    assert proxy.creates_forwarded == 2 and len(set(proxy.idempotency_keys)) == 1
    async with AsyncClient(base_url=server.url, api_key=own_key) as direct:
        assert [v.id async for v in direct.videos.list()] == [video.id]


def test_without_an_idempotency_key_the_same_retry_makes_two(
    server: ServerProcess, own_key: str
) -> None:
    """The counter-case: a plain client repeating the create after the same cut."""
    body = {"model": FAST, "prompt": "twice"}
    headers = {"Authorization": f"Bearer {own_key}"}
    with CuttingProxy(server.port) as proxy, httpx.Client(base_url=proxy.url) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            http.post("/v1/videos", json=body, headers=headers)
        http.post("/v1/videos", json=body, headers=headers).raise_for_status()
    assert proxy.idempotency_keys == [None, None]
    with Client(base_url=server.url, api_key=own_key) as direct:
        assert len(list(direct.videos.list())) == 2


def test_the_cli_generates_and_downloads(
    server: ServerProcess, sandbox_key: str, server_env: dict[str, str], tmp_path: Path
) -> None:
    image = tmp_path / "first.png"
    image.write_bytes(png_bytes(720, 720))
    target = tmp_path / "clip.mp4"
    connect = ["--base-url", server.url, "--key", sandbox_key]
    out = run_cli(
        [
            "generate",
            I2V,
            "it comes alive",
            "--image",
            str(image),
            "--param",
            "duration=5",
            "--out",
            str(target),
            *connect,
        ],
        server_env,
    )
    assert "saved" in out and target.read_bytes()[4:8] == b"ftyp"


def test_the_cli_reports_a_refused_request(
    server: ServerProcess, sandbox_key: str, server_env: dict[str, str]
) -> None:
    done = subprocess.run(
        [
            *VIDGATE,
            "generate",
            "veo2",
            "x",
            "--param",
            "size=1x1",
            "--base-url",
            server.url,
            "--key",
            sandbox_key,
        ],
        env=server_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "HTTP 400 invalid_request (size)" in done.stdout
