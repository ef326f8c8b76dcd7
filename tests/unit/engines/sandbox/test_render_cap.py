"""The render cap: benchmarks and load tests render a tiny clip whatever the model's shape."""

from __future__ import annotations

from pathlib import Path

from tests.unit.engines.sandbox.conftest import catalogue_job, generate, no_sleep
from vidgate.engines.sandbox import SandboxEngine
from vidgate.engines.sandbox.requests import RenderCap, RenderRequest
from vidgate.media.probe import probe_video

WAN = "wan/v2.1/1.3b/text-to-video"


def request(width: int, height: int, frames: int) -> RenderRequest:
    return RenderRequest(width=width, height=height, fps=16, frames=frames, seed=1)


def test_the_longer_side_is_scaled_down_to_the_cap_keeping_the_aspect() -> None:
    capped = RenderCap(max_side=160).apply(request(832, 480, 81))

    assert (capped.width, capped.height, capped.frames) == (160, 92, 81)


def test_a_portrait_clip_is_capped_on_its_height() -> None:
    capped = RenderCap(max_side=160).apply(request(720, 1280, 81))

    assert (capped.width, capped.height) == (90, 160)


def test_the_frame_count_is_capped() -> None:
    assert RenderCap(max_frames=8).apply(request(832, 480, 81)).frames == 8


def test_a_clip_already_within_the_cap_is_unchanged() -> None:
    small = request(128, 72, 8)

    assert RenderCap(max_side=160, max_frames=16).apply(small) == small


async def test_a_capped_engine_writes_the_small_clip(tmp_path: Path) -> None:
    engine = SandboxEngine(
        queue_seconds=0,
        run_seconds=0,
        render_cap=RenderCap(max_side=128, max_frames=6),
        sleep=no_sleep,
    )

    path = await generate(engine, catalogue_job(WAN, prompt="a kite"), tmp_path)

    facts = probe_video(path)
    assert (facts.width, facts.height, facts.frames) == (128, 74, 6)
