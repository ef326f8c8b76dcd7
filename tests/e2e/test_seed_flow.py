"""The seed's two-step flow for every model: POST, poll until completed, download, decode."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from tests.e2e.helpers import all_models, download, headers, minimal_body, poll_until_done
from tests.support.media import decode_video, png_bytes
from tests.support.server_process import ServerProcess
from tests.support.servers import serve_in_thread
from vidgate.domain.catalogue import ModelSpec
from vidgate.domain.shapes import resolve_shape
from vidgate.domain.validation import validate_params

MODELS = all_models()


@pytest.mark.parametrize("spec", MODELS, ids=[m.id for m in MODELS])
def test_every_model_generates_a_real_mp4_on_its_vendor_path(
    spec: ModelSpec, server: ServerProcess, sandbox_key: str, tmp_path: Path
) -> None:
    body = minimal_body(spec)
    with httpx.Client(base_url=server.url, headers=headers(sandbox_key), timeout=30) as client:
        created = client.post(spec.create_path, json=body)
        assert created.status_code == 200, created.text
        answer = created.json()
        if spec.vendor == "minimax":
            assert set(answer) == {"generation_id", "meta"}
            generation_id = answer["generation_id"]
        else:
            assert answer["status"] == "queued"
            generation_id = answer["id"]
        assert answer["meta"]["engine"] == "sandbox"
        done = poll_until_done(client, spec.create_path, generation_id)
        assert done["status"] == "completed", done
        assert done["meta"] == {
            "usage": {"credits_used": 0},
            "engine": "sandbox",
            "seed": done["meta"]["seed"],
        }
        url = done["video"][0] if spec.vendor == "runway" else done["video"]["url"]
        video = decode_video(download(client, url, tmp_path / "out.mp4"))
    expected = resolve_shape(spec, validate_params(spec, body), (640, 360))
    assert (video.codec, video.width, video.height, video.frames) == (
        "h264",
        expected.width,
        expected.height,
        expected.frames,
    )
    assert video.fps == pytest.approx(expected.fps)
    assert video.duration == pytest.approx(expected.frames / expected.fps, abs=0.1)


def test_a_poller_sees_queued_then_generating_then_completed(
    server: ServerProcess, sandbox_key: str
) -> None:
    with httpx.Client(base_url=server.url, headers=headers(sandbox_key), timeout=30) as client:
        created = client.post(
            "/v2/video/generations",
            json={"model": "wan/v2.1/1.3b/text-to-video", "prompt": "waves"},
        )
        done = poll_until_done(client, "/v2/video/generations", created.json()["id"])
    assert done["_statuses_seen"] == ["queued", "generating", "completed"]


def test_the_unified_endpoint_accepts_the_newer_video_01_aliases(
    server: ServerProcess, sandbox_key: str, tmp_path: Path
) -> None:
    from tests.support.media import data_uri

    body = {
        "model": "video-01",
        "prompt": "Cheetah turns toward the camera.",
        "image_url": data_uri(png_bytes(900, 600)),
        "enhance_prompt": False,
    }
    with httpx.Client(base_url=server.url, headers=headers(sandbox_key), timeout=30) as client:
        created = client.post("/v2/video/generations", json=body)
        assert created.status_code == 200, created.text
        assert set(created.json()) == {"id", "status", "meta"}
        done = poll_until_done(client, "/v2/video/generations", created.json()["id"])
        video = decode_video(download(client, done["video"]["url"], tmp_path / "v.mp4"))
    assert (video.width, video.height) == (1080, 720)


SEED_GENERATION = """
import requests


def main():
    url = "{base}/v2/generate/video/minimax/generation"
    payload = {{
        "model": "video-01",
        "prompt": "Cheetah turns toward the camera.",
        "first_frame_image": "{image_url}",
    }}
    # Insert your AIML API Key instead of <YOUR_AIMLAPI_KEY>:
    headers = {{"Authorization": "Bearer {key}", "Content-Type": "application/json"}}

    response = requests.post(url, json=payload, headers=headers)
    print("Generation:", response.json())


if __name__ == "__main__":
    main()
"""

SEED_RETRIEVAL = """
import requests


def main():
    url = "{base}/v2/generate/video/minimax/generation"
    params = {{
        # Insert the generation_id (that was returned by the generation part above) in the quotation marks instead of <GENERATION_ID>:
        "generation_id": "{generation_id}",
    }}

    # Insert your AIML API Key instead of <YOUR_AIMLAPI_KEY>:
    headers = {{"Authorization": "Bearer {key}", "Content-Type": "application/json"}}

    response = requests.get(url, params=params, headers=headers)
    print("Generation:", response.json())


if __name__ == "__main__":
    main()
"""


def _run_snippet(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("Generation: ")
    return eval(line.removeprefix("Generation: "), {"None": None})  # the seed prints a dict


def test_the_seed_code_blocks_run_unchanged_against_the_local_server(
    server: ServerProcess, sandbox_key: str
) -> None:
    image = png_bytes(1200, 675)

    async def cheetah(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        await send(
            {
                "type": "http.response.start",
                "status": 200,  # type: ignore[operator]
                "headers": [(b"content-type", b"image/png")],
            }
        )
        await send({"type": "http.response.body", "body": image})  # type: ignore[operator]

    with serve_in_thread(cheetah) as image_host:
        first = _run_snippet(
            SEED_GENERATION.format(
                base=server.url, key=sandbox_key, image_url=f"{image_host}/Cheetah4.jpg"
            )
        )
    generation_id = first["generation_id"]
    assert isinstance(generation_id, str)
    import time

    for _ in range(100):
        second = _run_snippet(
            SEED_RETRIEVAL.format(base=server.url, key=sandbox_key, generation_id=generation_id)
        )
        if second["status"] == "completed":
            break
        time.sleep(0.3)
    assert second["status"] == "completed"
    assert second["id"] == generation_id
    video = second["video"]
    assert isinstance(video, dict) and str(video["url"]).startswith(server.url + "/files/")
