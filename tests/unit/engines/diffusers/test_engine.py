"""The local engine end to end on the tiny Wan folder: real child process, real pipeline."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from tests.support.engine_context import RecordingContext
from tests.unit.engines.diffusers.conftest import JobFactory
from vidgate.domain.errors import Cancelled, EngineCrashed
from vidgate.engines.diffusers import DiffusersEngine
from vidgate.engines.protocol import EngineJob, LocalVideo, PublicPhase

pytestmark = [pytest.mark.local, pytest.mark.asyncio(loop_scope="module")]

Hook = Callable[[], Awaitable[None]]
# x264's MB-tree reads uninitialised memory on frames of 64 px or less, so their bytes vary
# from run to run (see the report on media/encode.py); from 128 px on they are repeatable.
REPEATABLE = {"width": 128, "height": 128}


@dataclass
class HookedContext(RecordingContext):
    """Runs ``on_first_step`` once, when the first denoising step is reported."""

    on_first_step: Hook | None = None

    async def report(
        self, phase: PublicPhase, progress: int | None = None, vendor_status: str | None = None
    ) -> None:
        await super().report(phase, progress, vendor_status)
        if phase == "running" and progress and self.on_first_step is not None:
            hook, self.on_first_step = self.on_first_step, None
            await hook()


def decode(path: Path) -> npt.NDArray[np.uint8]:
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return np.stack(frames)


def folder(path: Path) -> Path:
    path.mkdir(exist_ok=True)
    return path


async def generate(engine: DiffusersEngine, job: EngineJob, workdir: Path) -> Path:
    output = await engine.run(job, RecordingContext(workdir=folder(workdir)))
    assert isinstance(output, LocalVideo)
    return output.path


async def test_generates_an_mp4_of_the_requested_shape(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    path = await generate(engine, wan_job(width=48, height=32, frames=9), tmp_path)

    assert path == tmp_path / "output.mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (48, 32)
        assert float(stream.average_rate or 0) == 16
    frames = decode(path)
    assert frames.shape == (9, 32, 48, 3)
    assert frames.std() > 1  # not a blank video


async def test_progress_rises_with_the_denoising_steps(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    ctx = RecordingContext(workdir=tmp_path)
    await engine.run(wan_job(inference_steps=4), ctx)

    running = [r.progress for r in ctx.reports if r.phase == "running"]
    assert running == [0, 25, 50, 75, 99]


async def test_same_seed_gives_the_same_frames_and_another_seed_differs(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    first = decode(await generate(engine, wan_job(seed=7, **REPEATABLE), tmp_path / "a"))
    again = decode(await generate(engine, wan_job(seed=7, **REPEATABLE), tmp_path / "b"))
    other = decode(await generate(engine, wan_job(seed=8, **REPEATABLE), tmp_path / "c"))

    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


async def test_sampler_and_shift_reach_the_scheduler(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    def job(**params: object) -> EngineJob:
        # From the third step on the two solvers differ; before that both are first order.
        return wan_job(inference_steps=3, **REPEATABLE, **params)

    unipc = decode(await generate(engine, job(sampler="unipc"), tmp_path / "a"))
    dpm = decode(await generate(engine, job(sampler="dpm+"), tmp_path / "b"))
    shifted = decode(await generate(engine, job(sampler="dpm+", shift=1.5), tmp_path / "c"))

    assert not np.array_equal(unipc, dpm)
    assert not np.array_equal(dpm, shifted)


async def test_cancel_requested_stops_the_run_and_the_next_job_runs(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    ctx = HookedContext(workdir=tmp_path)

    async def request_cancel() -> None:
        ctx.cancel_requested = True

    ctx.on_first_step = request_cancel
    pid = engine.child_pid("cpu")

    with pytest.raises(Cancelled):
        await engine.run(wan_job(inference_steps=60), ctx)

    assert not (tmp_path / "output.mp4").exists()
    assert engine.child_pid("cpu") == pid  # cancelling keeps the loaded pipeline
    await generate(engine, wan_job(), tmp_path / "next")


async def test_engine_cancel_stops_the_run_and_is_not_billed(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    job = wan_job(inference_steps=60)
    billed: list[bool] = []

    async def cancel_through_engine() -> None:
        billed.append(await engine.cancel(job, None))

    ctx = HookedContext(workdir=tmp_path, on_first_step=cancel_through_engine)
    with pytest.raises(Cancelled):
        await engine.run(job, ctx)

    assert billed == [False]


async def test_a_dead_child_fails_its_job_and_the_next_job_succeeds(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    async def kill_child() -> None:
        pid = engine.child_pid("cpu")
        assert pid is not None
        os.kill(pid, signal.SIGKILL)

    ctx = HookedContext(workdir=tmp_path, on_first_step=kill_child)
    with pytest.raises(EngineCrashed, match="SIGKILL"):
        await engine.run(wan_job(inference_steps=60), ctx)

    path = await generate(engine, wan_job(), tmp_path / "next")
    assert decode(path).shape == (9, 32, 32, 3)


async def test_concurrent_jobs_take_turns_on_the_device(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    log: list[tuple[str, PublicPhase | str]] = []

    @dataclass
    class LoggingContext(RecordingContext):
        name: str = ""

        async def report(
            self, phase: PublicPhase, progress: int | None = None, vendor_status: str | None = None
        ) -> None:
            log.append((self.name, phase))

    async def run(name: str) -> None:
        ctx = LoggingContext(folder(tmp_path / name), name=name)
        await engine.run(wan_job(inference_steps=4), ctx)
        log.append((name, "finished"))

    first = asyncio.create_task(run("first"))
    await asyncio.sleep(0)  # let the first job take the device
    await asyncio.gather(first, run("second"))

    second = [phase for name, phase in log if name == "second"]
    assert second[0] == "queued"
    assert log.index(("first", "finished")) < log.index(("second", "running"))


async def test_a_setting_change_reloads_the_pipeline_and_generates(
    engine: DiffusersEngine, wan_job: JobFactory, tmp_path: Path
) -> None:
    path = await generate(engine, wan_job(options={"vae_tiling": True}), tmp_path)

    assert decode(path).shape == (9, 32, 32, 3)
