"""The Google engine on the Gemini API surface, against the fake: both public models."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.google import MODEL, GoogleFake
from tests.support.engine_context import RecordingContext
from tests.support.media import decode_video
from tests.support.simulated_time import SimulatedCrash, SimulatedTime
from tests.unit.engines.google.harness import (
    BASE_URL,
    I2V,
    T2V,
    build_job,
    gemini_deployment,
    input_image,
)
from vidgate.domain.errors import UpstreamLost
from vidgate.engines.google import GoogleEngine
from vidgate.engines.protocol import EngineOutput, LocalVideo, RemoteVideo


async def fetch_video(http: httpx.AsyncClient, output: EngineOutput, tmp_path: Path) -> Path:
    """Download the output the way the worker does (headers, redirects followed)."""
    assert isinstance(output, RemoteVideo)
    response = await http.get(output.url, headers=dict(output.headers), follow_redirects=True)
    assert response.status_code == 200, response.text
    path = tmp_path / "downloaded.mp4"
    path.write_bytes(response.content)
    return path


async def test_text_to_video_sends_one_create_with_the_mapped_fields(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext, http: httpx.AsyncClient
) -> None:
    job = build_job(
        gemini_deployment(fake), T2V, prompt="a red fox", aspect_ratio="9:16", duration="7"
    )

    output = await engine.run(job, ctx)

    [create] = fake.creates()
    assert create.path == f"/v1beta/models/{MODEL}:predictLongRunning"
    assert create.headers["x-goog-api-key"] == fake.api_key
    assert create.json == {
        "instances": [{"prompt": "a red fox"}],
        "parameters": {
            "aspectRatio": "9:16",
            "durationSeconds": 7,
            "sampleCount": 1,
            "personGeneration": "allow_adult",
        },
    }
    video = await fetch_video(http, output, ctx.workdir)
    assert decode_video(video).frames > 0


async def test_text_to_video_defaults_to_landscape_and_five_seconds(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    job = build_job(gemini_deployment(fake), T2V, prompt="waves")

    await engine.run(job, ctx)

    parameters = fake.creates()[0].json["parameters"]
    assert (parameters["aspectRatio"], parameters["durationSeconds"]) == ("16:9", 5)


async def test_operation_is_polled_until_done_and_reported_running(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    job = build_job(gemini_deployment(fake), T2V, prompt="waves")

    output = await engine.run(job, ctx)

    polls = fake.polls()
    assert len(polls) == fake.running_polls + 1
    assert all(p.method == "GET" for p in polls)
    [operation] = fake.operations.values()
    assert polls[0].path == f"/v1beta/{operation.name}"
    assert [(r.phase, r.progress) for r in ctx.reports] == [
        ("running", None),
        ("running", None),
        ("running", 100),
    ]
    assert ctx.upstream is not None
    assert ctx.upstream["task_id"] == operation.name
    assert ctx.upstream["surface"] == "gemini"
    assert isinstance(output, RemoteVideo)
    assert output.url == f"{BASE_URL}/v1beta/files/{operation.file_id}:download?alt=media"
    assert output.headers == {"x-goog-api-key": fake.api_key}


async def test_polls_follow_the_samples_ten_second_cadence(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    await engine.run(build_job(gemini_deployment(fake), T2V, prompt="waves"), ctx)

    assert len(sim.sleeps) == fake.running_polls + 1
    assert all(8.0 <= wait <= 12.0 for wait in sim.sleeps)


async def test_image_to_video_sends_the_image_inline_without_person_generation(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext, http: httpx.AsyncClient
) -> None:
    image = input_image(640, 360)
    job = build_job(
        gemini_deployment(fake),
        I2V,
        image=image,
        prompt="the fox runs",
        aspect_ratio="16:9",
        duration="8",
    )

    output = await engine.run(job, ctx)

    [create] = fake.creates()
    assert create.json == {
        "instances": [
            {
                "prompt": "the fox runs",
                "image": {
                    "bytesBase64Encoded": base64.b64encode(image.data).decode(),
                    "mimeType": "image/png",
                },
            }
        ],
        "parameters": {"aspectRatio": "16:9", "durationSeconds": 8, "sampleCount": 1},
    }
    assert decode_video(await fetch_video(http, output, ctx.workdir)).frames > 0


@pytest.mark.parametrize(
    ("size", "aspect", "expected"),
    [
        ((360, 640), "auto", "9:16"),
        ((640, 360), "auto", "16:9"),
        ((360, 640), None, "9:16"),
        ((500, 500), "auto", "16:9"),
        ((360, 640), "16:9", "16:9"),
    ],
)
async def test_auto_aspect_follows_the_image_orientation(
    engine: GoogleEngine,
    fake: GoogleFake,
    ctx: RecordingContext,
    size: tuple[int, int],
    aspect: str | None,
    expected: str,
) -> None:
    body: dict[str, Any] = {"aspect_ratio": aspect} if aspect else {}
    job = build_job(gemini_deployment(fake), I2V, image=input_image(*size), prompt="p", **body)

    await engine.run(job, ctx)

    assert fake.creates()[0].json["parameters"]["aspectRatio"] == expected


async def test_person_generation_follows_the_deployment_option(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    deployment = gemini_deployment(fake, options={"person_generation": "dont_allow"})

    await engine.run(build_job(deployment, T2V, prompt="a crowd"), ctx)

    assert fake.creates()[0].json["parameters"]["personGeneration"] == "dont_allow"


async def test_person_generation_can_be_left_to_google(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    deployment = gemini_deployment(fake, options={"person_generation": "omit"})

    await engine.run(build_job(deployment, T2V, prompt="a crowd"), ctx)

    assert "personGeneration" not in fake.creates()[0].json["parameters"]


async def test_vendor_model_name_comes_from_the_deployment(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    fake.models = frozenset({MODEL, "veo-2.0-generate-exp"})
    deployment = gemini_deployment(fake, vendor_models={T2V: "veo-2.0-generate-exp"})

    await engine.run(build_job(deployment, T2V, prompt="p"), ctx)

    assert fake.creates()[0].path == "/v1beta/models/veo-2.0-generate-exp:predictLongRunning"


async def test_inline_video_is_written_to_the_workdir(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext
) -> None:
    fake.scenario = "inline_video"

    output = await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert isinstance(output, LocalVideo)
    assert output.path.parent == ctx.workdir
    assert decode_video(output.path).frames > 0


async def test_a_restarted_worker_resumes_polling_without_creating_again(
    engine: GoogleEngine, fake: GoogleFake, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    job = build_job(gemini_deployment(fake), T2V, prompt="p")
    sim.crash_at_sleep = 2

    with pytest.raises(SimulatedCrash):
        await engine.run(job, ctx)
    saved = dict(ctx.upstream or {})
    output = await engine.run(job, ctx)

    assert len(fake.creates()) == 1
    assert saved["task_id"] == next(iter(fake.operations))
    assert isinstance(output, RemoteVideo)


async def test_a_job_lost_while_submitting_is_not_sent_again(
    engine: GoogleEngine, fake: GoogleFake, tmp_path: Path
) -> None:
    ctx = RecordingContext(workdir=tmp_path, upstream={"phase": "submitting"})

    with pytest.raises(UpstreamLost):
        await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)

    assert fake.requests == []


async def test_the_result_file_needs_the_key_and_expires_after_two_days(
    engine: GoogleEngine,
    fake: GoogleFake,
    ctx: RecordingContext,
    http: httpx.AsyncClient,
    sim: SimulatedTime,
) -> None:
    output = await engine.run(build_job(gemini_deployment(fake), T2V, prompt="p"), ctx)
    assert isinstance(output, RemoteVideo)

    without_key = await http.get(output.url)
    sim.now += 2 * 86400 + 1
    expired = await http.get(output.url, headers=dict(output.headers))

    assert without_key.status_code == 403
    assert expired.status_code == 404


async def test_cancel_reports_the_operation_as_billed_without_calling_google(
    engine: GoogleEngine, fake: GoogleFake
) -> None:
    job = build_job(gemini_deployment(fake), T2V, prompt="p")

    billed = await engine.cancel(job, {"task_id": f"models/{MODEL}/operations/abc"})

    assert billed is True
    assert fake.requests == []
