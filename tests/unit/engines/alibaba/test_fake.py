"""The DashScope fake: the checks it applies, and serving on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.alibaba import AlibabaFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.media import decode_video
from tests.support.servers import serve_in_thread
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.alibaba.harness import build_job, deployment_for
from vidgate.engines.alibaba import AlibabaEngine
from vidgate.engines.protocol import RemoteVideo

SYNTHESIS = "/api/v1/services/aigc/video-generation/video-synthesis"
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}")


def headers(fake: AlibabaFake, *, asynchronous: bool = True) -> dict[str, str]:
    sent = {"Authorization": f"Bearer {fake.api_key}"}
    return sent | ({"X-DashScope-Async": "enable"} if asynchronous else {})


def body(**parameters: Any) -> dict[str, Any]:
    return {"model": "wan2.1-t2v-turbo", "input": {"prompt": "p"}, "parameters": parameters}


async def test_a_create_without_the_async_header_is_refused(
    http: httpx.AsyncClient, fake: AlibabaFake
) -> None:
    response = await http.post(SYNTHESIS, json=body(), headers=headers(fake, asynchronous=False))

    assert response.status_code == 403
    assert response.json()["code"] == "AccessDenied"


@pytest.mark.parametrize(
    "parameters",
    [
        {"size": "832x480"},
        {"size": "1920*1080"},
        {"duration": 10},
        {"seed": -1},
        {"seed": 2**31},
        {"inference_steps": 30},
    ],
)
async def test_bad_parameters_are_invalid(
    http: httpx.AsyncClient, fake: AlibabaFake, parameters: dict[str, Any]
) -> None:
    response = await http.post(SYNTHESIS, json=body(**parameters), headers=headers(fake))

    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameter"


async def test_submissions_over_two_per_second_are_throttled(
    http: httpx.AsyncClient, fake: AlibabaFake
) -> None:
    fake.max_concurrent = None
    codes = [
        (await http.post(SYNTHESIS, json=body(), headers=headers(fake))).status_code
        for _ in range(3)
    ]

    assert codes == [200, 200, 429]


async def test_a_finished_task_has_string_times_and_usage(
    http: httpx.AsyncClient, fake: AlibabaFake
) -> None:
    created = await http.post(SYNTHESIS, json=body(size="480*832"), headers=headers(fake))
    task_id = created.json()["output"]["task_id"]
    answers = [
        (await http.get(f"/api/v1/tasks/{task_id}", headers=headers(fake))).json() for _ in range(4)
    ]

    assert [a["output"]["task_status"] for a in answers] == [
        "PENDING",
        "RUNNING",
        "RUNNING",
        "SUCCEEDED",
    ]
    done = answers[-1]
    assert all(TIME.fullmatch(done["output"][k]) for k in ("submit_time", "end_time"))
    assert done["usage"] == {"video_duration": 5, "video_ratio": "480*832", "video_count": 1}


async def test_an_unknown_task_reads_unknown(http: httpx.AsyncClient, fake: AlibabaFake) -> None:
    response = await http.get("/api/v1/tasks/does-not-exist", headers=headers(fake))

    assert response.json()["output"]["task_status"] == "UNKNOWN"


async def test_the_fake_serves_a_whole_generation_on_loopback(tmp_path: Path) -> None:
    fake = AlibabaFake(pending_polls=1, running_polls=1)
    sim = SimulatedTime()
    with serve_in_thread(create_app(fake)) as base_url:
        async with httpx.AsyncClient() as http:
            engine = AlibabaEngine(http, sleep=sim.sleep, clock=sim.clock)
            job = build_job(deployment_for(fake, base_url=base_url))
            output = await engine.run(job, RecordingContext(workdir=tmp_path))
            assert isinstance(output, RemoteVideo) and output.url.startswith(base_url)
            response = await http.get(output.url)

    assert response.status_code == 200
    (tmp_path / "wan.mp4").write_bytes(response.content)
    assert decode_video(tmp_path / "wan.mp4").frames > 0
