"""Bad input gets a 4xx whose message names the field; never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.helpers import headers
from tests.support.media import data_uri, png_bytes
from tests.support.server_process import ServerProcess

KLING_T2V = "kling-video/v1/standard/text-to-video"
KLING_PATH = "/v2/generate/video/kling/generation"

CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("unknown model", "/v2/video/generations", {"model": "sora-9", "prompt": "x"}, 400, "model"),
    ("model on the wrong vendor path", KLING_PATH, {"model": "veo2", "prompt": "x"}, 400, "model"),
    ("missing model", "/v2/video/generations", {"prompt": "x"}, 400, "model"),
    ("missing prompt", KLING_PATH, {"model": KLING_T2V}, 400, "prompt"),
    ("unknown field", KLING_PATH, {"model": KLING_T2V, "prompt": "x", "fps": 60}, 400, "fps"),
    (
        "bad enum",
        KLING_PATH,
        {"model": KLING_T2V, "prompt": "x", "aspect_ratio": "4:3"},
        400,
        "aspect_ratio",
    ),
    (
        "bad duration",
        KLING_PATH,
        {"model": KLING_T2V, "prompt": "x", "duration": "7"},
        400,
        "duration",
    ),
    (
        "out of range",
        KLING_PATH,
        {"model": KLING_T2V, "prompt": "x", "cfg_scale": 2},
        400,
        "cfg_scale",
    ),
    (
        "nested out of range",
        KLING_PATH,
        {
            "model": KLING_T2V,
            "prompt": "x",
            "advanced_camera_control": {"movement_type": "zoom", "movement_value": 11},
        },
        400,
        "advanced_camera_control.movement_value",
    ),
    (
        "wrong type",
        "/v2/generate/video/minimax/generation",
        {"model": "video-01", "prompt": "x", "prompt_optimizer": "yes"},
        400,
        "prompt_optimizer",
    ),
    (
        "too long",
        "/v2/generate/video/minimax/generation",
        {"model": "video-01", "prompt": "x" * 2001},
        400,
        "prompt",
    ),
    (
        "utf-16 length",
        "/v2/generate/video/runway/generation",
        {"model": "gen3a_turbo", "prompt": "\U0001f600" * 300, "image_url": data_uri(png_bytes())},
        400,
        "prompt",
    ),
    (
        "alias on the vendor path",
        "/v2/generate/video/minimax/generation",
        {"model": "video-01", "prompt": "x", "image_url": "https://example.com/a.png"},
        400,
        "image_url",
    ),
    (
        "image too small",
        "/v2/generate/video/minimax/generation",
        {"model": "video-01", "prompt": "x", "first_frame_image": data_uri(png_bytes(200, 200))},
        400,
        "first_frame_image",
    ),
    (
        "image aspect",
        "/v2/generate/video/kling/generation",
        {
            "model": "kling-video/v1/standard/image-to-video",
            "prompt": "x",
            "image_url": data_uri(png_bytes(1500, 300)),
        },
        400,
        "image_url",
    ),
    (
        "image format",
        "/v2/generate/video/kling/generation",
        {
            "model": "kling-video/v1/standard/image-to-video",
            "prompt": "x",
            "image_url": data_uri(png_bytes(640, 360, fmt="GIF"), "image/gif"),
        },
        400,
        "image_url",
    ),
    (
        "not an image",
        "/v2/generate/video/kling/generation",
        {
            "model": "kling-video/v1/standard/image-to-video",
            "prompt": "x",
            "image_url": "data:image/png;base64,aGVsbG8=",
        },
        400,
        "image_url",
    ),
    (
        "runway data URI too big",
        "/v2/generate/video/runway/generation",
        {"model": "runway/gen4_turbo", "image_url": "data:image/png;base64," + "A" * 5_300_000},
        400,
        "image_url",
    ),
]


@pytest.mark.parametrize(
    ("case", "path", "body", "status", "field"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_requests_are_refused_naming_the_field(
    case: str,
    path: str,
    body: dict[str, Any],
    status: int,
    field: str,
    server: ServerProcess,
    sandbox_key: str,
) -> None:
    response = httpx.post(server.url + path, json=body, headers=headers(sandbox_key), timeout=30)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"].startswith(field)


def test_enum_errors_list_the_allowed_values(server: ServerProcess, sandbox_key: str) -> None:
    response = httpx.post(
        server.url + KLING_PATH,
        headers=headers(sandbox_key),
        json={"model": KLING_T2V, "prompt": "x", "aspect_ratio": "4:3"},
    )
    error = response.json()["error"]
    assert error["allowed"] == ["16:9", "9:16", "1:1"]
    assert "'16:9', '9:16', '1:1'" in error["message"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b"", "empty body"),
    ],
)
def test_bodies_that_are_not_json_objects_are_400(
    raw: bytes, message: str, server: ServerProcess, sandbox_key: str
) -> None:
    response = httpx.post(
        server.url + "/v2/video/generations", content=raw, headers=headers(sandbox_key)
    )
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_missing_and_bad_keys_are_401(server: ServerProcess) -> None:
    body = {"model": "veo2", "prompt": "x"}
    missing = httpx.post(server.url + "/v2/video/generations", json=body)
    wrong = httpx.post(
        server.url + "/v2/video/generations",
        json=body,
        headers={"Authorization": "Bearer vg_live_nope"},
    )
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing.json()["error"]["name"] == "unauthorized"
    assert "Authorization" in missing.json()["error"]["message"]


def test_unknown_generation_ids_and_vendor_paths_are_404(
    server: ServerProcess, sandbox_key: str
) -> None:
    unknown = httpx.get(
        server.url + "/v2/video/generations",
        params={"generation_id": "video_nope"},
        headers=headers(sandbox_key),
    )
    vendor = httpx.post(
        server.url + "/v2/generate/video/openai/generation",
        json={"model": "x"},
        headers=headers(sandbox_key),
    )
    missing = httpx.get(server.url + "/v2/video/generations", headers=headers(sandbox_key))
    assert (unknown.status_code, vendor.status_code, missing.status_code) == (404, 404, 400)
    assert "kling" in vendor.json()["error"]["message"]
    assert missing.json()["error"]["field"] == "generation_id"


def test_a_body_over_the_size_limit_is_413(server: ServerProcess, sandbox_key: str) -> None:
    response = httpx.post(
        server.url + "/v2/video/generations",
        content=b"x" * (33 * 1024 * 1024),
        headers=headers(sandbox_key),
        timeout=60,
    )
    assert response.status_code == 413


def test_one_key_never_sees_another_keys_generation(
    server: ServerProcess, sandbox_key: str, live_key: str
) -> None:
    created = httpx.post(
        server.url + "/v2/video/generations",
        headers=headers(sandbox_key),
        json={"model": "veo2", "prompt": "private"},
    )
    other = httpx.get(
        server.url + "/v2/video/generations",
        headers=headers(live_key),
        params={"generation_id": created.json()["id"]},
    )
    assert other.status_code == 404
