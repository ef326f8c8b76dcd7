"""The unmodified ``openai`` package against vidgate's /v1/videos, strict validation on."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from PIL import Image

from tests.e2e.helpers import headers
from tests.support.media import decode_video, png_bytes
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.filterwarnings(
    "ignore:The Sora API is scheduled to permanently shut down:DeprecationWarning"
)


@pytest.fixture(scope="module")
def client(server: ServerProcess, sandbox_key: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=f"{server.url}/v1", api_key=sandbox_key, _strict_response_validation=True
    ) as strict:
        yield strict


@pytest.fixture(scope="module")
def lenient(server: ServerProcess, sandbox_key: str) -> Iterator[openai.OpenAI]:
    """Strict clients accept only OpenAI's four sizes; other models need a lenient one."""
    with openai.OpenAI(base_url=f"{server.url}/v1", api_key=sandbox_key) as default:
        yield default


def test_text_to_video_create_and_poll_then_every_variant(
    client: openai.OpenAI, tmp_path: Path
) -> None:
    video = client.videos.create_and_poll(
        model="veo2", prompt="A cheetah at dawn", seconds="8", size="1280x720"
    )
    assert video.status == "completed" and video.progress == 100
    assert (video.model, video.seconds, video.size) == ("veo2", "8", "1280x720")
    assert video.completed_at is not None and video.error is None
    path = tmp_path / "t2v.mp4"
    client.videos.download_content(video.id).write_to_file(path)
    decoded = decode_video(path)
    assert (decoded.width, decoded.height, decoded.frames) == (1280, 720, 192)
    thumbnail = client.videos.download_content(video.id, variant="thumbnail").content
    sprites = client.videos.download_content(video.id, variant="spritesheet").content
    assert Image.open(io.BytesIO(thumbnail)).format == "WEBP"
    assert Image.open(io.BytesIO(sprites)).format == "JPEG"


def test_image_to_video_with_an_uploaded_image(client: openai.OpenAI, tmp_path: Path) -> None:
    video = client.videos.create_and_poll(
        model="veo2/image-to-video",
        prompt="The scene comes alive",
        input_reference=("first.png", png_bytes(1280, 720), "image/png"),
        size="1280x720",
    )
    assert video.status == "completed", video.error
    path = tmp_path / "i2v.mp4"
    client.videos.download_content(video.id).write_to_file(path)
    assert decode_video(path).frames == 120


def test_list_retrieve_and_delete(client: openai.OpenAI) -> None:
    made = [
        client.videos.create(model="veo2", prompt=f"clip {i}", size="1280x720") for i in range(3)
    ]
    ids = [v.id for v in made]
    listed = [v.id for v in client.videos.list(limit=1)]
    assert listed[:3] == ids[::-1]
    page = client.videos.list(limit=2, order="asc", after=ids[0])
    assert [v.id for v in page.data] == ids[1:] and page.has_more is False
    assert client.videos.retrieve(ids[0]).id == ids[0]
    done = client.videos.poll(ids[0])
    deleted = client.videos.delete(done.id)
    assert deleted.deleted and deleted.id == ids[0]
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(ids[0])


def test_a_running_video_is_cancelled_then_deleted(client: openai.OpenAI) -> None:
    video = client.videos.create(model="veo2", prompt="long", size="1280x720")
    deleted = client.videos.delete(video.id)
    assert deleted.deleted


def test_errors_use_the_openai_envelope(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as bad_size:
        client.videos.create(model="veo2", prompt="x", size="1024x1792")
    assert bad_size.value.param == "size" and bad_size.value.code == "invalid_request"
    assert "1280x720" in bad_size.value.message
    with pytest.raises(openai.BadRequestError) as unknown:
        client.videos.create(model="sora-2", prompt="x")
    assert unknown.value.param == "model"
    with pytest.raises(openai.BadRequestError) as text_only:
        client.videos.create(model="veo2", prompt="x", input_reference=png_bytes())
    assert text_only.value.param == "input_reference"
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve("video_does_not_exist")
    assert bad_size.value.request_id is not None


def test_the_json_shape_of_older_sdks_and_raw_clients(
    server: ServerProcess, sandbox_key: str
) -> None:
    from tests.support.media import data_uri

    response = httpx.post(
        f"{server.url}/v1/videos",
        headers=headers(sandbox_key),
        json={
            "model": "runway/gen4_turbo",
            "prompt": "waves",
            "seconds": 5,
            "size": "960x960",
            "input_reference": {"image_url": data_uri(png_bytes(900, 900))},
            "seed": 42,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["size"], body["seconds"], body["status"]) == ("960x960", "5", "queued")
    assert response.headers["openai-poll-after-ms"].isdigit()
    assert response.headers["x-request-id"]


def test_extra_model_parameters_arrive_as_form_fields(lenient: openai.OpenAI) -> None:
    video = lenient.videos.create(
        model="kling-video/v1/standard/text-to-video",
        prompt="x",
        size="720x720",
        extra_body={
            "negative_prompt": "blur",
            "cfg_scale": 0.3,
            "advanced_camera_control": {"movement_type": "zoom", "movement_value": 4},
        },
    )
    assert video.size == "720x720"
    with pytest.raises(openai.BadRequestError) as bad:
        lenient.videos.create(
            model="kling-video/v1/standard/text-to-video", prompt="x", extra_body={"cfg_scale": 7}
        )
    assert bad.value.param == "cfg_scale"


def test_prefer_wait_answers_when_the_job_ends(server: ServerProcess, sandbox_key: str) -> None:
    created = httpx.post(
        f"{server.url}/v1/videos",
        headers={**headers(sandbox_key), "Prefer": "wait=30"},
        json={"model": "wan/v2.1/1.3b/text-to-video", "prompt": "x"},
        timeout=40,
    )
    assert created.json()["status"] == "completed"
    too_long = httpx.get(
        f"{server.url}/v1/videos/{created.json()['id']}",
        headers={**headers(sandbox_key), "Prefer": "wait=61"},
    )
    assert too_long.status_code == 400


def test_events_stream_each_status_change(server: ServerProcess, sandbox_key: str) -> None:
    created = httpx.post(
        f"{server.url}/v1/videos",
        headers=headers(sandbox_key),
        json={"model": "wan/v2.1/1.3b/text-to-video", "prompt": "x"},
    ).json()
    names = []
    with httpx.stream(
        "GET",
        f"{server.url}/v1/videos/{created['id']}/events",
        headers=headers(sandbox_key),
        timeout=60,
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("event: "):
                names.append(line.removeprefix("event: "))
    assert names[-1] == "completed"
    assert "in_progress" in names
    assert names == sorted(names, key=["queued", "in_progress", "completed"].index)


def test_idempotency_key_returns_the_same_video_and_refuses_another_body(
    server: ServerProcess, sandbox_key: str
) -> None:
    key_headers = {**headers(sandbox_key), "Idempotency-Key": "order-1234"}
    body = {"model": "veo2", "prompt": "same"}
    first = httpx.post(f"{server.url}/v1/videos", headers=key_headers, json=body).json()
    again = httpx.post(f"{server.url}/v1/videos", headers=key_headers, json=body).json()
    other = httpx.post(
        f"{server.url}/v1/videos", headers=key_headers, json={**body, "prompt": "different"}
    )
    assert first["id"] == again["id"]
    assert other.status_code == 409
    assert other.headers["x-should-retry"] == "false"
    assert "Idempotency-Key" in other.json()["error"]["message"]


def test_cancel_a_queued_video_refunds_it(server: ServerProcess, live_key: str) -> None:
    async def create_many() -> list[dict]:  # type: ignore[type-arg]
        async with httpx.AsyncClient(base_url=server.url, headers=headers(live_key)) as http:
            responses = await asyncio.gather(
                *(
                    http.post("/v1/videos", json={"model": "veo2", "prompt": f"{i}"})
                    for i in range(6)
                )
            )
        return [r.json() for r in responses]

    made = asyncio.run(create_many())
    last = made[-1]["id"]
    cancelled = httpx.post(
        f"{server.url}/v1/videos/{last}/cancel", headers={**headers(live_key), "Prefer": "wait=10"}
    ).json()
    assert cancelled["status"] == "failed"
    assert cancelled["error"]["code"] == "cancelled"
    assert cancelled["usage"]["credits"] == 0


def test_remix_starts_from_the_last_frame(client: openai.OpenAI) -> None:
    source = client.videos.create_and_poll(
        model="veo2/image-to-video",
        prompt="first",
        size="1280x720",
        input_reference=("first.png", png_bytes(1280, 720), "image/png"),
    )
    remix = client.videos.remix(source.id, prompt="and then it rains")
    assert remix.remixed_from_video_id == source.id
    assert client.videos.poll(remix.id).status == "completed"
    with pytest.raises(openai.BadRequestError):
        text = client.videos.create_and_poll(model="veo2", prompt="t", size="1280x720")
        client.videos.remix(text.id, prompt="again")


def test_routes_also_answer_without_the_v1_prefix(server: ServerProcess, sandbox_key: str) -> None:
    response = httpx.get(f"{server.url}/videos", headers=headers(sandbox_key))
    assert response.status_code == 200 and response.json()["object"] == "list"
