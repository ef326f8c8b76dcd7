"""The poll shortcut answers plain polls exactly as the routes do, and leaves the rest to them.

Each poll is asked of the app as served (the shortcut answers), of the same app without
its shortcuts (FastAPI's route answers) and of the shortcut alone (was it the shortcut that
answered?). The answers must be the same.
"""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from PIL import Image

from tests.integration.api.conftest import NOT_ROUTED, Apps
from vidgate.api.polls import PollShortcut
from vidgate.domain.jobs import JobError, JobStatus, VideoResult
from vidgate.store.protocol import Outcome


@dataclass
class Served:
    full: httpx.AsyncClient
    routes_only: httpx.AsyncClient
    shortcut_only: httpx.AsyncClient
    sandbox: str
    admin: str
    jobs: dict[str, str]


@pytest.fixture
async def served(apps: Apps) -> AsyncIterator[Served]:
    runtime = apps.runtime
    sandbox = await runtime.keys.authenticate(f"Bearer {apps.secrets['sandbox']}")
    jobs = {}
    for name, model, params in [
        ("queued", "video-01", {"prompt": "a queued fox"}),
        ("completed", "gen3a_turbo", {"prompt": "a fox", "image_url": _png_data_url()}),
        ("failed", "kling-video/v1/standard/text-to-video", {"prompt": "a failed fox"}),
    ]:
        spec = runtime.catalogue.get(model)
        assert spec is not None
        job = await runtime.generations.submit(sandbox, spec, params)
        jobs[name] = job.id
    await runtime.store.finish(
        jobs["completed"],
        None,
        Outcome(
            JobStatus.SUCCEEDED,
            refund=False,
            result=VideoResult("outputs/x.mp4", 10, "00", 64, 48, 8.0, 16, 2.0),
        ),
    )
    await runtime.store.finish(
        jobs["failed"],
        None,
        Outcome(JobStatus.FAILED, refund=True, error=JobError("content_refused", "no foxes")),
    )
    alone = apps.shortcut_alone(PollShortcut)
    try:
        yield Served(
            apps.served,
            apps.routes_only,
            alone,
            apps.secrets["sandbox"],
            apps.secrets["admin"],
            jobs,
        )
    finally:
        await alone.aclose()


def _png_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 768), (10, 120, 200)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _poll_paths(job_id: str) -> list[str]:
    return [
        f"/v2/video/generations?generation_id={job_id}",
        f"/v2/generate/video/minimax/generation?generation_id={job_id}",
        f"/v2/generate/video/runway/generation?generation_id={job_id}",
        f"/v1/videos/{job_id}",
        f"/videos/{job_id}",
    ]


@pytest.mark.parametrize("state", ["queued", "completed", "failed"])
async def test_a_plain_poll_is_answered_by_the_shortcut_exactly_as_the_route_answers(
    served: Served, state: str
) -> None:
    auth = {"authorization": f"Bearer {served.sandbox}"}
    for path in _poll_paths(served.jobs[state]):
        by_route = await served.routes_only.get(path, headers=auth)
        by_shortcut = await served.full.get(path, headers=auth)
        alone = await served.shortcut_only.get(path, headers=auth)

        assert by_route.status_code == 200, (path, by_route.text)
        assert alone.status_code == 200, f"{path} was not answered by the shortcut"
        for answer in (by_shortcut, alone):
            assert answer.status_code == by_route.status_code
            assert _stable(answer.json()) == _stable(by_route.json()), path
            assert answer.headers["content-type"] == by_route.headers["content-type"]
            assert answer.headers.get("openai-poll-after-ms") == by_route.headers.get(
                "openai-poll-after-ms"
            )
        assert "x-request-id" in by_shortcut.headers


def _stable(body: dict[str, object]) -> dict[str, object]:
    """The answer without the signed link's expiry, which moves with the clock's second."""
    video = body.get("video")
    if isinstance(video, dict):
        video = {**video, "url": str(video["url"]).split("?")[0]}
    elif isinstance(video, list):
        video = [str(url).split("?")[0] for url in video]
    return {**body, "video": video} if "video" in body else body


async def test_the_runway_path_answers_a_list_and_the_unified_path_an_object(
    served: Served,
) -> None:
    auth = {"authorization": f"Bearer {served.sandbox}"}
    job_id = served.jobs["completed"]
    runway = await served.shortcut_only.get(
        f"/v2/generate/video/runway/generation?generation_id={job_id}", headers=auth
    )
    unified = await served.shortcut_only.get(
        f"/v2/video/generations?generation_id={job_id}", headers=auth
    )

    assert isinstance(runway.json()["video"], list)
    assert unified.json()["video"]["url"].startswith("http")
    assert unified.json()["meta"]["usage"]["credits_used"] == 0


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v2/video/generations?generation_id={id}", {"authorization": ""}),
        ("/v1/videos/{id}", {"authorization": "Bearer vg_live_not_a_key"}),
        ("/v2/video/generations?generation_id={id}", {"prefer": "wait=5"}),
        ("/v2/video/generations?generation_id={id}&extra=1", {}),
        ("/v2/video/generations?generation_id=", {}),
        ("/v2/video/generations", {}),
        ("/v2/generate/video/nobody/generation?generation_id={id}", {}),
        ("/v1/videos/{id}?variant=x", {}),
        ("/v1/videos/{id}/content", {}),
        ("/v1/videos/job_that_does_not_exist", {}),
    ],
)
async def test_everything_but_a_plain_poll_goes_on_to_the_routes(
    served: Served, path: str, headers: dict[str, str]
) -> None:
    headers = {"authorization": f"Bearer {served.sandbox}", **headers}
    if not headers["authorization"]:
        del headers["authorization"]
    target = path.format(id=served.jobs["queued"])

    answer = await served.shortcut_only.get(target, headers=headers)

    assert answer.status_code == NOT_ROUTED


async def test_a_key_never_sees_another_keys_job_through_the_shortcut(served: Served) -> None:
    other = {"authorization": f"Bearer {served.admin}"}
    job_id = served.jobs["queued"]

    alone = await served.shortcut_only.get(f"/v1/videos/{job_id}", headers=other)
    full_aiml = await served.full.get(
        f"/v2/video/generations?generation_id={job_id}", headers=other
    )
    full_openai = await served.full.get(f"/v1/videos/{job_id}", headers=other)

    assert alone.status_code == NOT_ROUTED
    assert full_aiml.status_code == 404
    assert full_aiml.json()["error"]["name"] == "not_found"
    assert full_openai.status_code == 404
    assert full_openai.json()["error"]["type"] == "invalid_request_error"


async def test_a_poll_without_a_key_gets_each_dialects_401(served: Served) -> None:
    job_id = served.jobs["queued"]

    aiml = await served.full.get(f"/v2/video/generations?generation_id={job_id}")
    openai = await served.full.get(f"/v1/videos/{job_id}")

    assert aiml.status_code == openai.status_code == 401
    assert aiml.json()["error"]["name"] == "unauthorized"
    assert openai.json()["error"]["type"] == "authentication_error"
