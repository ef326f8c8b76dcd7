"""Each public Kling model: one create call with the mapped body, the phases, a playable MP4."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.kling import KlingFake
from tests.support.engine_context import RecordingContext
from tests.support.media import decode_video
from tests.support.simulated_time import SimulatedTime
from tests.unit.engines.kling.harness import KLING_MODELS, JobFactory, deployment_for, input_image
from vidgate.engines.kling import KlingEngine
from vidgate.engines.protocol import InputImage, RemoteVideo

FIRST = input_image("image_url")
TAIL = input_image("tail_image_url", "last_frame")
STATIC_MASK = input_image("static_mask_url", "mask")
DYNAMIC_MASK = input_image("dynamic_masks[0].mask_url", "mask")
TRAJECTORY = [{"x": 10, "y": 20}, {"x": 200, "y": 120}, {"x": 300, "y": 150}]


@dataclass(frozen=True)
class Case:
    model: str
    body: dict[str, Any]
    expected: dict[str, Any]
    images: dict[str, InputImage] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return "image2video" if self.model.endswith("image-to-video") else "text2video"


CASES = [
    Case(
        "kling-video/v1/standard/text-to-video",
        {
            "prompt": "a red fox running through snow",
            "negative_prompt": "blur",
            "cfg_scale": 0.7,
            "aspect_ratio": "9:16",
            "camera_control": "down_back",
        },
        {
            "model_name": "kling-v1",
            "mode": "std",
            "prompt": "a red fox running through snow",
            "negative_prompt": "blur",
            "cfg_scale": 0.7,
            "aspect_ratio": "9:16",
            "duration": "5",
            "camera_control": {"type": "down_back"},
        },
    ),
    Case(
        "kling-video/v1/pro/text-to-video",
        {"prompt": "a lighthouse at dusk"},
        {
            "model_name": "kling-v1",
            "mode": "pro",
            "prompt": "a lighthouse at dusk",
            "aspect_ratio": "16:9",
            "duration": "5",
        },
    ),
    Case(
        "kling-video/v1.6/standard/text-to-video",
        {"prompt": "a paper boat on a stream", "ratio": "1:1", "duration": 10},
        {
            "model_name": "kling-v1-6",
            "mode": "std",
            "prompt": "a paper boat on a stream",
            "aspect_ratio": "1:1",
            "duration": "10",
        },
    ),
    Case(
        "kling-video/v1.6/pro/text-to-video",
        {"prompt": "city lights", "negative_prompt": "text", "cfg_scale": 0, "duration": "10"},
        {
            "model_name": "kling-v1-6",
            "mode": "pro",
            "prompt": "city lights",
            "negative_prompt": "text",
            "cfg_scale": 0.0,
            "aspect_ratio": "16:9",
            "duration": "10",
        },
    ),
    Case(
        "kling-video/v1/standard/image-to-video",
        {
            "prompt": "the kite rises",
            "image_url": "https://images.example/image_url.png",
            "aspect_ratio": "9:16",
            "static_mask_url": "https://images.example/static_mask_url.png",
            "dynamic_masks": [
                {
                    "mask_url": "https://images.example/dynamic_masks[0].mask_url.png",
                    "trajectories": TRAJECTORY,
                }
            ],
        },
        {
            "model_name": "kling-v1",
            "mode": "std",
            "prompt": "the kite rises",
            "duration": "5",
            "image": FIRST.base64(),
            "static_mask": STATIC_MASK.base64(),
            "dynamic_masks": [{"mask": DYNAMIC_MASK.base64(), "trajectories": TRAJECTORY}],
        },
        {
            "image_url": FIRST,
            "static_mask_url": STATIC_MASK,
            "dynamic_masks[0].mask_url": DYNAMIC_MASK,
        },
    ),
    Case(
        "kling-video/v1/pro/image-to-video",
        {
            "prompt": "day turns to night",
            "image_url": "https://images.example/image_url.png",
            "tail_image_url": "https://images.example/tail_image_url.png",
            "duration": "5",
        },
        {
            "model_name": "kling-v1",
            "mode": "pro",
            "prompt": "day turns to night",
            "duration": "5",
            "image": FIRST.base64(),
            "image_tail": TAIL.base64(),
        },
        {"image_url": FIRST, "tail_image_url": TAIL},
    ),
    Case(
        "kling-video/v1.6/standard/image-to-video",
        {
            "prompt": "waves roll in",
            "image_url": "https://images.example/image_url.png",
            "negative_prompt": "people",
            "cfg_scale": 0.25,
            "duration": "10",
        },
        {
            "model_name": "kling-v1-6",
            "mode": "std",
            "prompt": "waves roll in",
            "negative_prompt": "people",
            "cfg_scale": 0.25,
            "duration": "10",
            "image": FIRST.base64(),
        },
        {"image_url": FIRST},
    ),
    Case(
        "kling-video/v1.6/pro/image-to-video",
        {
            "prompt": "the flower opens",
            "image_url": "https://images.example/image_url.png",
            "tail_image_url": "https://images.example/tail_image_url.png",
        },
        {
            "model_name": "kling-v1-6",
            "mode": "pro",
            "prompt": "the flower opens",
            "duration": "5",
            "image": FIRST.base64(),
            "image_tail": TAIL.base64(),
        },
        {"image_url": FIRST, "tail_image_url": TAIL},
    ),
]


def test_every_public_kling_model_has_a_case() -> None:
    assert sorted(case.model for case in CASES) == sorted(KLING_MODELS)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.model)
async def test_model_sends_one_mapped_create_and_returns_a_playable_video(
    case: Case,
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
    http: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    job = make_job(case.model, images=case.images, **case.body)

    output = await engine.run(job, ctx)

    [create] = fake.creates()
    assert create.path == f"/v1/videos/{case.family}"
    assert create.json == {**case.expected, "external_task_id": job.id}
    [task] = fake.tasks.values()
    assert {q.path for q in fake.queries()} == {f"/v1/videos/{case.family}/{task.task_id}"}
    assert [(r.phase, r.progress, r.vendor_status) for r in ctx.reports] == [
        ("queued", None, "submitted"),
        ("running", None, "processing"),
        ("running", 100, "succeed"),
    ]
    assert isinstance(output, RemoteVideo)
    assert output.headers == {}
    await _assert_playable(http, output.url, tmp_path)


async def test_state_saved_after_create_names_the_task_and_its_family(
    engine: KlingEngine,
    fake: KlingFake,
    make_job: JobFactory,
    ctx: RecordingContext,
    sim: SimulatedTime,
) -> None:
    started = sim.now
    job = make_job(
        "kling-video/v1.6/pro/image-to-video",
        images={"image_url": FIRST},
        prompt="p",
        image_url="https://images.example/image_url.png",
    )

    await engine.run(job, ctx)

    [task] = fake.tasks.values()
    assert ctx.saved == [
        {"phase": "submitting", "deployment": "kling-test"},
        {
            "phase": "submitted",
            "deployment": "kling-test",
            "submitted_at": started,
            "task_id": task.task_id,
            "family": "image2video",
            "external_task_id": job.id,
        },
    ]


async def test_every_call_is_signed_and_declares_json(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    await engine.run(make_job("kling-video/v1/pro/text-to-video", prompt="p"), ctx)

    api_calls = fake.creates() + fake.queries()
    assert len(api_calls) == 4
    for call in api_calls:
        assert call.headers["authorization"].startswith("Bearer ey")
        assert call.headers["content-type"] == "application/json"
    # One cached token serves the whole job.
    assert len({call.headers["authorization"] for call in api_calls}) == 1


async def test_polls_wait_30_s_first_then_about_12_s(
    engine: KlingEngine, make_job: JobFactory, ctx: RecordingContext, sim: SimulatedTime
) -> None:
    await engine.run(make_job("kling-video/v1/pro/text-to-video", prompt="p"), ctx)

    first, *rest = sim.sleeps
    assert first == 30.0
    assert rest and all(12 * 0.8 <= wait <= 12 * 1.2 for wait in rest)


async def test_deployment_can_rename_the_vendor_model(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    model = "kling-video/v1/standard/text-to-video"
    deployment = deployment_for(fake, vendor_models={model: "kling-v1-6"})

    await engine.run(make_job(model, deployment=deployment, prompt="p"), ctx)

    assert fake.creates()[0].json["model_name"] == "kling-v1-6"


async def test_advanced_camera_control_moves_one_axis_of_a_simple_config(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    job = make_job(
        "kling-video/v1/standard/text-to-video",
        prompt="p",
        advanced_camera_control={"movement_type": "zoom", "movement_value": -4},
    )

    await engine.run(job, ctx)

    assert fake.creates()[0].json["camera_control"] == {
        "type": "simple",
        "config": {
            "horizontal": 0.0,
            "vertical": 0.0,
            "pan": 0.0,
            "tilt": 0.0,
            "roll": 0.0,
            "zoom": -4.0,
        },
    }


async def test_image_missing_from_the_job_falls_back_to_the_callers_url(
    engine: KlingEngine, fake: KlingFake, make_job: JobFactory, ctx: RecordingContext
) -> None:
    job = make_job(
        "kling-video/v1.6/standard/image-to-video",
        prompt="p",
        image_url="https://images.example/first.jpg",
    )

    await engine.run(job, ctx)

    assert fake.creates()[0].json["image"] == "https://images.example/first.jpg"


async def _assert_playable(http: httpx.AsyncClient, url: str, tmp_path: Path) -> None:
    response = await http.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "video/mp4"
    path = tmp_path / "result.mp4"
    path.write_bytes(response.content)
    video = decode_video(path)
    assert (video.codec, video.width, video.height, video.frames) == ("h264", 64, 36, 8)
