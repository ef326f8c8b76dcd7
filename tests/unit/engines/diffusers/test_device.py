"""One device's slot against scripted children: every failure mode fails only its job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from tests.support.engine_context import RecordingContext
from tests.unit.engines.diffusers import fake_children
from vidgate.domain.errors import Cancelled, EngineCrashed, InternalError
from vidgate.engines.diffusers.device import DeviceSlot
from vidgate.engines.diffusers.messages import GenerationRequest, PipelineSettings, Start

REQUEST = GenerationRequest("a cat", None, 32, 32, 9, 16, 2, 5.0, 3.0, "unipc", 1)
SlotFactory = Callable[[Callable[[Connection], None]], DeviceSlot]


@pytest.fixture
async def slot_for() -> AsyncIterator[SlotFactory]:
    slots: list[DeviceSlot] = []

    def build(child_main: Callable[[Connection], None]) -> DeviceSlot:
        slot = DeviceSlot("cpu", poll_interval=0.01, cancel_grace=0.3, child_main=child_main)
        slots.append(slot)
        return slot

    yield build
    for slot in slots:
        await slot.close()


def start(tmp_path: Path, job_id: str = "job") -> Start:
    settings = PipelineSettings(model_dir=str(tmp_path), device="cpu")
    output = str(tmp_path / f"{job_id}.mp4")
    return Start(job_id, "wan/v2.1/1.3b/text-to-video", settings, REQUEST, output)


def never() -> bool:
    return False


async def test_a_finished_job_returns_where_the_child_wrote_it(
    slot_for: SlotFactory, tmp_path: Path
) -> None:
    output = await slot_for(fake_children.succeeds).run(
        start(tmp_path), RecordingContext(workdir=tmp_path), never
    )

    assert output.path == str(tmp_path / "job.mp4")
    assert output.frames == 9


async def test_out_of_memory_names_the_settings_that_help_and_replaces_the_child(
    slot_for: SlotFactory, tmp_path: Path
) -> None:
    slot = slot_for(fake_children.runs_out_of_memory)
    ctx = RecordingContext(workdir=tmp_path)

    with pytest.raises(EngineCrashed, match=r"out of memory on cpu.*cpu_offload"):
        await slot.run(start(tmp_path), ctx, never)
    assert slot.child_pid is None  # the next job gets a fresh process


async def test_a_load_failure_fails_the_job_with_the_reason(
    slot_for: SlotFactory, tmp_path: Path
) -> None:
    with pytest.raises(EngineCrashed, match="could not load the model"):
        await slot_for(fake_children.fails_to_load).run(
            start(tmp_path), RecordingContext(workdir=tmp_path), never
        )


async def test_an_unexpected_pipeline_error_is_an_internal_error(
    slot_for: SlotFactory, tmp_path: Path
) -> None:
    with pytest.raises(InternalError, match="ValueError: something unexpected"):
        await slot_for(fake_children.raises_a_bug).run(
            start(tmp_path), RecordingContext(workdir=tmp_path), never
        )


async def test_a_child_that_exits_fails_its_job_with_the_exit_code(
    slot_for: SlotFactory, tmp_path: Path
) -> None:
    slot = slot_for(fake_children.exits_mid_run)

    with pytest.raises(EngineCrashed, match="exit code 3"):
        await slot.run(start(tmp_path), RecordingContext(workdir=tmp_path), never)
    assert slot.child_pid is None


async def test_a_child_that_ignores_cancel_is_killed_after_the_grace(
    slot_for: SlotFactory, tmp_path: Path
) -> None:
    slot = slot_for(fake_children.ignores_cancel)
    ctx = RecordingContext(workdir=tmp_path)
    job = asyncio.create_task(slot.run(start(tmp_path), ctx, lambda: bool(ctx.reports[1:])))

    with pytest.raises(Cancelled):
        await asyncio.wait_for(job, timeout=10)
    assert slot.child_pid is None


async def test_a_job_cancelled_while_queued_never_starts(
    slot_for: SlotFactory, tmp_path: Path
) -> None:
    slot = slot_for(fake_children.ignores_cancel)
    first_ctx = RecordingContext(workdir=tmp_path)
    first = asyncio.create_task(slot.run(start(tmp_path, "first"), first_ctx, never))
    await asyncio.sleep(0)
    waiting = RecordingContext(workdir=tmp_path)

    with pytest.raises(Cancelled, match="waiting for the device"):
        await slot.run(start(tmp_path, "second"), waiting, lambda: bool(waiting.reports))

    assert [r.phase for r in waiting.reports] == ["queued"]
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert slot.child_pid is None  # abandoning a running job discards its child
