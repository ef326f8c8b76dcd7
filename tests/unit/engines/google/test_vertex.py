"""The Google engine on the Vertex AI surface, against the fake."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from tests.fakes.google import MODEL, GoogleFake
from tests.support.engine_context import RecordingContext
from tests.support.media import decode_video
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.google.harness import (
    BASE_URL,
    I2V,
    T2V,
    build_job,
    gemini_deployment,
    input_image,
    vertex_deployment,
)
from vidgate.domain.errors import InternalError, UpstreamAuth, UpstreamLost
from vidgate.domain.routing import Deployment
from vidgate.engines.google import GoogleEngine
from vidgate.engines.protocol import LocalVideo, RemoteVideo

BUCKET_PREFIX = "gs://vidgate-veo/outputs/"


def model_path(fake: GoogleFake) -> str:
    return f"/v1/projects/{fake.project}/locations/{fake.location}/publishers/google/models/{MODEL}"


async def test_text_to_video_sends_one_create_with_seed_and_bearer_token(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    job = build_job(
        vertex_deployment(fake),
        T2V,
        prompt="a red fox",
        aspect_ratio="9:16",
        duration="6",
        seed=4242,
    )

    await engine.run(job, ctx)

    [create] = fake.creates()
    assert create.path == f"{model_path(fake)}:predictLongRunning"
    assert create.headers["authorization"] == f"Bearer {fake.access_token}"
    assert create.json == {
        "instances": [{"prompt": "a red fox"}],
        "parameters": {
            "aspectRatio": "9:16",
            "durationSeconds": 6,
            "sampleCount": 1,
            "personGeneration": "allow_adult",
            "seed": 4242,
        },
    }


async def test_polls_follow_the_vertex_samples_fifteen_second_cadence(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    await engine.run(build_job(vertex_deployment(fake), T2V, prompt="waves"), ctx)

    assert len(sim.sleeps) == fake.running_polls + 1
    assert all(12.0 <= wait <= 18.0 for wait in sim.sleeps)


async def test_operations_are_polled_with_fetch_predict_operation(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    await engine.run(build_job(vertex_deployment(fake), T2V, prompt="p"), ctx)

    [operation] = fake.operations.values()
    polls = fake.polls()
    assert len(polls) == fake.running_polls + 1
    assert {(p.method, p.path) for p in polls} == {
        ("POST", f"{model_path(fake)}:fetchPredictOperation")
    }
    assert polls[0].json == {"operationName": operation.name}
    assert operation.name.startswith(f"projects/{fake.project}/locations/{fake.location}/")


async def test_inline_bytes_become_a_local_video_in_the_workdir(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    output = await engine.run(build_job(vertex_deployment(fake), T2V, prompt="p"), ctx)

    assert isinstance(output, LocalVideo)
    assert output.path.parent == ctx.workdir
    assert decode_video(output.path).frames > 0
    assert all("bytesBase64Encoded" not in str(state) for state in ctx.saved)


async def test_a_storage_uri_result_downloads_through_cloud_storage_with_the_token(
    engine: GoogleEngine,
    fake: GoogleFake,
    ctx: RecordingContext,
    http: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    deployment = vertex_deployment(fake, storage_uri=BUCKET_PREFIX)

    output = await engine.run(build_job(deployment, T2V, prompt="p"), ctx)

    assert fake.creates()[0].json["parameters"]["storageUri"] == BUCKET_PREFIX
    [operation] = fake.operations.values()
    assert isinstance(output, RemoteVideo)
    assert output.url == (
        f"{BASE_URL}/storage/v1/b/vidgate-veo/o/outputs%2F{operation.id}%2Fsample_0.mp4?alt=media"
    )
    assert output.headers == {"Authorization": f"Bearer {fake.access_token}"}
    response = await http.get(output.url, headers=dict(output.headers))
    assert response.status_code == 200
    (tmp_path / "gcs.mp4").write_bytes(response.content)
    assert decode_video(tmp_path / "gcs.mp4").frames > 0


async def test_image_to_video_keeps_person_generation_on_vertex(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    image = input_image(360, 640)
    job = build_job(vertex_deployment(fake), I2V, image=image, prompt="p", seed=1)

    await engine.run(job, ctx)

    assert fake.creates()[0].json == {
        "instances": [
            {
                "prompt": "p",
                "image": {
                    "bytesBase64Encoded": base64.b64encode(image.data).decode(),
                    "mimeType": "image/png",
                },
            }
        ],
        "parameters": {
            "aspectRatio": "9:16",
            "durationSeconds": 5,
            "sampleCount": 1,
            "personGeneration": "allow_adult",
            "seed": 1,
        },
    }


async def test_an_expired_token_is_an_auth_error(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    fake.token_expires_at = sim.now + 15

    with pytest.raises(UpstreamAuth, match="UNAUTHENTICATED"):
        await engine.run(build_job(vertex_deployment(fake), T2V, prompt="p"), ctx)

    assert len(fake.creates()) == 1


async def test_a_project_the_token_cannot_use_is_an_auth_error(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    with pytest.raises(UpstreamAuth, match="PERMISSION_DENIED"):
        await engine.run(build_job(vertex_deployment(fake, project="other"), T2V, prompt="p"), ctx)


async def test_a_vertex_deployment_without_project_is_not_ready(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    deployment = Deployment(
        name="veo-vertex",
        engine="google",
        credentials={"access_token": fake.access_token},
        options={"surface": "vertex"},
    )

    assert not engine.readiness(deployment).ready
    with pytest.raises(InternalError, match="project"):
        await engine.run(build_job(deployment, T2V, prompt="p"), ctx)

    assert fake.requests == []


async def test_an_operation_cannot_be_followed_on_another_surface(
    engine: GoogleEngine, fake: GoogleFake, tmp_path: Path, sim: SimulatedTime
) -> None:
    upstream = {
        "phase": "submitted",
        "task_id": f"models/{MODEL}/operations/abc",
        "surface": "gemini",
        "submitted_at": sim.now,
    }
    ctx = RecordingContext(workdir=tmp_path, upstream=upstream)

    with pytest.raises(UpstreamLost, match="gemini"):
        await engine.run(build_job(vertex_deployment(fake), T2V, prompt="p"), ctx)

    assert fake.requests == []


async def test_gemini_and_vertex_deployments_are_ready_with_their_own_credential(
    engine: GoogleEngine, fake: GoogleFake
) -> None:
    assert engine.readiness(gemini_deployment(fake)).ready
    assert engine.readiness(vertex_deployment(fake)).ready
    wrong = gemini_deployment(fake, credentials={"access_token": "t"})
    assert engine.readiness(wrong).reason == "missing credentials: api_key"
