"""Signed, expiring file URLs with Range support; input images only from allowed hosts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.helpers import headers, poll_until_done
from tests.support.media import png_bytes
from tests.support.server_process import ServerProcess, base_env, create_key
from tests.support.servers import serve_in_thread


@pytest.fixture(scope="module")
def finished(server: ServerProcess, sandbox_key: str) -> dict[str, object]:
    with httpx.Client(base_url=server.url, headers=headers(sandbox_key), timeout=30) as client:
        created = client.post(
            "/v2/video/generations", json={"model": "wan/v2.1/1.3b/text-to-video", "prompt": "x"}
        )
        return poll_until_done(client, "/v2/video/generations", created.json()["id"])


def test_the_video_url_is_absolute_signed_and_serves_ranges(finished: dict) -> None:  # type: ignore[type-arg]
    url = finished["video"]["url"]
    assert url.startswith("http://127.0.0.1:") and "signature=" in url and "expires=" in url
    whole = httpx.get(url)
    part = httpx.get(url, headers={"Range": "bytes=0-99"})
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    assert part.status_code == 206 and part.content == whole.content[:100]
    assert part.headers["content-range"].endswith(f"/{len(whole.content)}")


def test_a_tampered_url_is_403(finished: dict) -> None:  # type: ignore[type-arg]
    url: str = finished["video"]["url"]
    other_path = httpx.get(url.replace("video.mp4", "other.mp4"))
    longer = httpx.get(url.replace("expires=", "expires=9"))
    bad_signature = httpx.get(url[:-3] + "abc")
    assert {other_path.status_code, longer.status_code, bad_signature.status_code} == {403}


def test_an_expired_url_is_403(tmp_path: Path) -> None:
    env = base_env(tmp_path, VIDGATE_URL_TTL_SECONDS="1")
    key = create_key(env, "--sandbox", name="short")
    server = ServerProcess(env).start()
    try:
        with httpx.Client(base_url=server.url, headers=headers(key), timeout=30) as client:
            created = client.post(
                "/v2/video/generations",
                json={"model": "wan/v2.1/1.3b/text-to-video", "prompt": "x"},
            )
            done = poll_until_done(client, "/v2/video/generations", created.json()["id"])
            url = done["video"]["url"]
            time.sleep(2.1)
            expired = httpx.get(url)
            fresh = client.get(
                "/v2/video/generations", params={"generation_id": done["id"]}
            ).json()["video"]["url"]
            assert httpx.get(fresh).status_code == 200
    finally:
        server.stop()
    assert expired.status_code == 403
    assert "expired" in expired.json()["error"]["message"]


@pytest.fixture(scope="module")
def image_host() -> Iterator[str]:
    image = png_bytes(800, 600)

    async def app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        if scope["path"] == "/redirect-to-metadata":
            await send(
                {
                    "type": "http.response.start",
                    "status": 302,  # type: ignore[operator]
                    "headers": [(b"location", b"http://169.254.169.254/latest/")],
                }
            )
            await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,  # type: ignore[operator]
                "headers": [(b"content-type", b"image/png")],
            }
        )
        await send({"type": "http.response.body", "body": image})  # type: ignore[operator]

    with serve_in_thread(app) as url:
        yield url


def _submit_image(server: ServerProcess, key: str, url: str) -> httpx.Response:
    return httpx.post(
        server.url + "/v2/generate/video/minimax/generation",
        headers=headers(key),
        json={"model": "video-01", "prompt": "x", "first_frame_image": url},
        timeout=30,
    )


def test_an_allowed_host_serves_the_input_image(
    server: ServerProcess, sandbox_key: str, image_host: str
) -> None:
    response = _submit_image(server, sandbox_key, f"{image_host}/cat.png")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/a.png",
        "http://[::1]:9/a.png",
        "http://localhost:9/a.png",
        "file:///etc/passwd",
        "ftp://example.com/a.png",
        "https://user:pass@example.com/a.png",
    ],
)
def test_private_and_odd_image_urls_are_refused(
    url: str, server: ServerProcess, sandbox_key: str
) -> None:
    response = _submit_image(server, sandbox_key, url)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == "first_frame_image"


def test_a_redirect_to_a_private_address_is_refused(
    server: ServerProcess, sandbox_key: str, image_host: str
) -> None:
    response = _submit_image(server, sandbox_key, f"{image_host}/redirect-to-metadata")
    assert response.status_code == 400
    assert "169.254.169.254" in response.json()["error"]["message"]
