"""The Google fake served on 127.0.0.1, driven by the engine over real sockets."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.fakes.google import GoogleFake, create_app
from tests.support.engine_context import RecordingContext
from tests.support.media import decode_video
from tests.support.servers import serve_in_thread
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.google.harness import T2V, build_job, gemini_deployment
from vidgate.engines.google import GoogleEngine
from vidgate.engines.protocol import RemoteVideo


async def test_the_fake_serves_a_whole_generation_on_loopback(tmp_path: Path) -> None:
    fake = GoogleFake(running_polls=1)
    sim = SimulatedTime()
    with serve_in_thread(create_app(fake)) as base_url:
        async with httpx.AsyncClient() as http:
            engine = GoogleEngine(http, sleep=sim.sleep, clock=sim.clock)
            job = build_job(gemini_deployment(fake, base_url=base_url), T2V, prompt="p")
            output = await engine.run(job, RecordingContext(workdir=tmp_path))
            assert isinstance(output, RemoteVideo)
            assert output.url.startswith(f"{base_url}/v1beta/files/")
            response = await http.get(
                output.url, headers=dict(output.headers), follow_redirects=True
            )

    assert response.status_code == 200
    assert len(response.history) == 1
    (tmp_path / "video.mp4").write_bytes(response.content)
    assert decode_video(tmp_path / "video.mp4").frames > 0


async def test_the_fake_accepts_the_key_as_a_query_parameter(
    http: httpx.AsyncClient, fake: GoogleFake
) -> None:
    body = {"instances": [{"prompt": "p"}], "parameters": {"durationSeconds": 5}}

    with_query = await http.post(
        "/v1beta/models/veo-2.0-generate-001:predictLongRunning",
        json=body,
        params={"key": fake.api_key},
    )
    without = await http.post("/v1beta/models/veo-2.0-generate-001:predictLongRunning", json=body)

    assert with_query.status_code == 200
    assert with_query.json()["name"].startswith("models/veo-2.0-generate-001/operations/")
    assert without.status_code == 403


async def test_the_fake_refuses_a_get_on_a_vertex_operation(
    http: httpx.AsyncClient, fake: GoogleFake
) -> None:
    path = (
        f"/v1/projects/{fake.project}/locations/{fake.location}/publishers/google/models/"
        "veo-2.0-generate-001/operations/abc"
    )

    response = await http.get(path, headers={"Authorization": f"Bearer {fake.access_token}"})

    assert response.status_code == 404


async def test_the_fake_refuses_person_generation_with_an_image(
    http: httpx.AsyncClient, fake: GoogleFake
) -> None:
    body = {
        "instances": [
            {"prompt": "p", "image": {"bytesBase64Encoded": "AAAA", "mimeType": "image/png"}}
        ],
        "parameters": {"personGeneration": "allow_adult"},
    }

    response = await http.post(
        "/v1beta/models/veo-2.0-generate-001:predictLongRunning",
        json=body,
        params={"key": fake.api_key},
    )

    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
