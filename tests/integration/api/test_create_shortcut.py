"""The create shortcut runs the create routes' own functions: every answer, errors included,
is the one FastAPI's routing gives, and it answers only JSON creates."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import NOT_ROUTED, Apps
from vidgate.api.creates import CreateShortcut

# Values that differ between two creates of the same request.
FRESH = {"id", "generation_id", "seed", "created_at", "x-request-id"}

CREATES: list[tuple[str, Any]] = [
    ("/v2/video/generations", {"model": "video-01", "prompt": "a fox"}),
    ("/v2/generate/video/minimax/generation", {"model": "video-01", "prompt": "a fox"}),
    (
        "/v2/generate/video/kling/generation",
        {"model": "kling-video/v1/standard/text-to-video", "prompt": "a fox", "duration": "10"},
    ),
    ("/v1/videos", {"model": "video-01", "prompt": "a fox"}),
    ("/videos", {"model": "veo2", "prompt": "a fox"}),
    # and what goes wrong
    ("/v2/video/generations", {"model": "video-01"}),
    ("/v2/video/generations", {"model": "no-such-model", "prompt": "a fox"}),
    ("/v2/video/generations", {"model": "video-01", "prompt": "a fox", "colour": "red"}),
    ("/v2/generate/video/runway/generation", {"model": "video-01", "prompt": "a fox"}),
    ("/v2/generate/video/nobody/generation", {"model": "video-01", "prompt": "a fox"}),
    ("/v2/video/generations", ["not", "an", "object"]),
    ("/v1/videos", {"model": "video-01", "prompt": "a fox", "seconds": "999"}),
    ("/v1/videos", {"prompt": "a fox"}),
]


def _comparable(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: "…" if k in FRESH else _comparable(v) for k, v in body.items()}
    return body


@pytest.mark.parametrize(("path", "body"), CREATES)
async def test_a_create_is_answered_as_fastapis_route_answers_it(
    apps: Apps, path: str, body: Any
) -> None:
    auth = {"authorization": f"Bearer {apps.secrets['sandbox']}"}
    alone = apps.shortcut_alone(CreateShortcut)

    by_route = await apps.routes_only.post(path, json=body, headers=auth)
    served = await apps.served.post(path, json=body, headers=auth)
    by_shortcut = await alone.post(path, json=body, headers=auth)
    await alone.aclose()

    assert by_shortcut.status_code != NOT_ROUTED
    for answer in (served, by_shortcut):
        assert answer.status_code == by_route.status_code, answer.text
        assert _comparable(answer.json()) == _comparable(by_route.json())
        assert answer.headers["content-type"] == by_route.headers["content-type"]
        assert answer.headers.get("www-authenticate") == by_route.headers.get("www-authenticate")


async def test_bad_json_and_a_missing_key_get_each_dialects_error(apps: Apps) -> None:
    alone = apps.shortcut_alone(CreateShortcut)
    auth = {
        "authorization": f"Bearer {apps.secrets['sandbox']}",
        "content-type": "application/json",
    }

    broken = await alone.post("/v2/video/generations", content=b"{not json", headers=auth)
    keyless = await alone.post("/v1/videos", json={"model": "video-01", "prompt": "a fox"})
    await alone.aclose()

    assert broken.status_code == 400 and broken.json()["error"]["field"] == "body"
    assert keyless.status_code == 401
    assert keyless.json()["error"]["type"] == "authentication_error"


async def test_the_created_job_is_stored_once_with_its_idempotency_key(apps: Apps) -> None:
    alone = apps.shortcut_alone(CreateShortcut)
    headers = {"authorization": f"Bearer {apps.secrets['sandbox']}", "idempotency-key": "k-1"}
    body = {"model": "video-01", "prompt": "a fox"}

    first = await alone.post("/v2/video/generations", json=body, headers=headers)
    again = await alone.post("/v2/video/generations", json=body, headers=headers)
    other = await alone.post(
        "/v2/video/generations", json={**body, "prompt": "a hen"}, headers=headers
    )
    await alone.aclose()

    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert other.status_code == 409
    polled = await apps.served.get(
        f"/v2/video/generations?generation_id={first.json()['id']}",
        headers={"authorization": headers["authorization"]},
    )
    assert polled.json()["status"] == "queued"


async def test_multipart_creates_and_other_routes_go_on_to_fastapi(apps: Apps) -> None:
    alone = apps.shortcut_alone(CreateShortcut)
    auth = {"authorization": f"Bearer {apps.secrets['sandbox']}"}

    multipart = await alone.post(
        "/v1/videos", data={"model": "video-01", "prompt": "a fox"}, files={"x": b"1"}, headers=auth
    )
    cancel = await alone.post("/v2/video/generations/cancel", json={}, headers=auth)
    poll = await alone.get("/v1/videos", headers=auth)
    await alone.aclose()

    assert multipart.status_code == cancel.status_code == poll.status_code == NOT_ROUTED
