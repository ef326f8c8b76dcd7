"""The sandbox engine through its protocol: shapes, timing, progress, cancelling, failures."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.engine_context import RecordingContext
from tests.support.media import decode_video
from tests.unit.engines.sandbox.conftest import (
    SANDBOX,
    catalogue_job,
    generate,
    no_sleep,
    picture,
    small_job,
)
from vidgate.domain.errors import (
    Cancelled,
    ContentRefused,
    GenerationError,
    GenerationTimeout,
    UpstreamUnavailable,
)
from vidgate.domain.jobs import VideoShape
from vidgate.engines.protocol import Engine, EngineJob
from vidgate.engines.sandbox import SandboxEngine
from vidgate.engines.sandbox.engine import PROGRESS_CEILING, SLICE_SECONDS

# A clip that takes minutes to render, to catch a render that does not stop.
ENDLESS = VideoShape(width=128, height=72, fps=8, frames=1_000_000)

CATALOGUE_CASES = [
    pytest.param("wan/v2.1/1.3b/text-to-video", {}, {}, (832, 480, 16, 81), id="wan-t2v"),
    pytest.param(
        "kling-video/v1/standard/text-to-video",
        {"camera_control": "forward_up"},
        {},
        (1280, 720, 30, 150),
        id="kling-t2v-camera",
    ),
    pytest.param(
        "video-01",
        {},
        {"first_frame_image": picture(640, 480)},
        (960, 720, 25, 150),
        id="minimax-i2v",
    ),
    pytest.param(
        "gen3a_turbo",
        {"ratio": "9:16", "duration": 5},
        {"image_url": picture(400, 700), "last_image_url": picture(400, 700, inverted=True)},
        (768, 1280, 24, 120),
        id="runway-i2v-last-frame",
    ),
]


@pytest.mark.parametrize(("model_id", "body", "images", "expected"), CATALOGUE_CASES)
async def test_renders_the_shape_of_the_real_model(
    engine: SandboxEngine,
    tmp_path: Path,
    model_id: str,
    body: dict[str, Any],
    images: dict[str, bytes],
    expected: tuple[int, int, float, int],
) -> None:
    job = catalogue_job(model_id, images=images, prompt="a lighthouse in a storm", **body)

    path = await generate(engine, job, tmp_path)

    video = decode_video(path)
    assert path == tmp_path / "output.mp4"
    assert video.codec == "h264"
    assert (video.width, video.height, video.fps, video.frames) == expected


def test_implements_the_engine_protocol_and_is_always_ready() -> None:
    engine = SandboxEngine()

    assert isinstance(engine, Engine)
    assert engine.name == "sandbox"
    assert engine.readiness(SANDBOX).ready


async def test_cancel_never_bills() -> None:
    assert await SandboxEngine().cancel(small_job(prompt="x"), None) is False


async def test_reports_queued_then_running_with_rising_progress(
    engine: SandboxEngine, tmp_path: Path
) -> None:
    ctx = RecordingContext(workdir=tmp_path)

    await engine.run(small_job(prompt="a kite"), ctx)

    phases = [r.phase for r in ctx.reports]
    progress = [r.progress or 0 for r in ctx.reports]
    assert (ctx.reports[0].phase, ctx.reports[0].progress) == ("queued", 0)
    assert phases == sorted(phases, key=["queued", "running"].index)
    assert progress == sorted(progress)
    assert progress[-1] == PROGRESS_CEILING
    assert ctx.saved == []


async def test_waits_queue_then_run_seconds_in_short_slices(tmp_path: Path) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    engine = SandboxEngine(queue_seconds=1.0, run_seconds=3.0, sleep=sleep)
    await engine.run(small_job(prompt="a kite"), RecordingContext(workdir=tmp_path))

    assert sum(slept) == pytest.approx(4.0)
    assert max(slept) <= SLICE_SECONDS


async def test_cancel_while_queued_stops_before_rendering(tmp_path: Path) -> None:
    ctx = RecordingContext(workdir=tmp_path)

    async def sleep(seconds: float) -> None:
        ctx.cancel_requested = True

    with pytest.raises(Cancelled):
        await SandboxEngine(sleep=sleep).run(small_job(prompt="a kite"), ctx)

    assert [r.phase for r in ctx.reports] == ["queued"]
    assert not (tmp_path / "output.mp4").exists()


async def test_cancel_while_rendering_stops_the_render(tmp_path: Path) -> None:
    ctx = RecordingContext(workdir=tmp_path)
    engine = SandboxEngine(queue_seconds=0, run_seconds=0, sleep=no_sleep)
    asyncio.get_running_loop().call_later(0.3, setattr, ctx, "cancel_requested", True)
    started = time.monotonic()

    with pytest.raises(Cancelled):
        await engine.run(small_job(prompt="a kite", shape=ENDLESS), ctx)

    assert time.monotonic() - started < 10
    await _assert_no_longer_written(tmp_path / "output.mp4")


async def test_a_cancelled_run_task_stops_the_render(tmp_path: Path) -> None:
    ctx = RecordingContext(workdir=tmp_path)
    engine = SandboxEngine(queue_seconds=0, run_seconds=0, sleep=no_sleep)
    task = asyncio.ensure_future(engine.run(small_job(prompt="a kite", shape=ENDLESS), ctx))
    await asyncio.sleep(0.3)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)

    await _assert_no_longer_written(tmp_path / "output.mp4")


async def _assert_no_longer_written(path: Path) -> None:
    size = _size(path)
    await asyncio.sleep(0.3)
    assert _size(path) == size


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@pytest.mark.parametrize(
    ("prompt", "error"),
    [
        ("a cat [sandbox:fail]", ContentRefused),
        ("a cat [sandbox:fail=timeout]", GenerationTimeout),
        ("[SANDBOX:FAIL=vendor_unavailable] a cat", UpstreamUnavailable),
        ("a cat [sandbox:fail=no_such_error]", ContentRefused),
    ],
)
async def test_a_fail_tag_in_the_prompt_fails_the_job(
    engine: SandboxEngine, tmp_path: Path, prompt: str, error: type[GenerationError]
) -> None:
    ctx = RecordingContext(workdir=tmp_path)

    with pytest.raises(error, match="simulated sandbox failure") as raised:
        await engine.run(small_job(prompt=prompt), ctx)

    assert type(raised.value) is error
    assert [r.phase for r in ctx.reports][-1] == "running"
    assert not (tmp_path / "output.mp4").exists()


async def test_failure_rate_fails_the_same_jobs_every_time(tmp_path: Path) -> None:
    engine = SandboxEngine(failure_rate=0.5, sleep=no_sleep)
    jobs = [small_job(prompt="a kite", job_id=f"video_{n}") for n in range(12)]

    first = [await _outcome(engine, job, tmp_path / "a" / job.id) for job in jobs]
    second = [await _outcome(engine, job, tmp_path / "b" / job.id) for job in jobs]

    assert first == second
    assert "ok" in first
    assert set(first) - {"ok"}


async def _outcome(engine: SandboxEngine, job: EngineJob, workdir: Path) -> str:
    try:
        await generate(engine, job, workdir)
    except GenerationError as exc:
        assert "simulated sandbox failure" in exc.message
        return exc.name
    return "ok"


@pytest.mark.parametrize(
    "options",
    [{"queue_seconds": -1}, {"run_seconds": -0.5}, {"failure_rate": 1.5}],
)
def test_refuses_impossible_settings(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SandboxEngine(**options)
