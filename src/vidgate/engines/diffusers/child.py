"""The child process: keeps one pipeline loaded and runs the jobs the engine sends it.

One job at a time, in order: ``Start`` → ``Progress``… → ``Output`` or ``Error`` → ``Done``.
A ``Cancel`` is read between denoising steps (the pipe is polled in the step callback), so
a cancelled run stops at the next step boundary. The pipeline stays loaded between jobs
and is reloaded only when a job asks for other settings.
"""

from __future__ import annotations

import signal
from multiprocessing.connection import Connection
from pathlib import Path

from vidgate.engines.diffusers import pipeline
from vidgate.engines.diffusers.families import FAMILIES, PipelineFamily
from vidgate.engines.diffusers.messages import (
    Cancel,
    Done,
    Error,
    ErrorKind,
    Event,
    Output,
    PipelineSettings,
    Progress,
    Start,
)
from vidgate.media.encode import write_mp4


class RunCancelled(Exception):
    """Raised from the step callback to abandon the run between two steps."""


class LoadFailed(Exception):
    """The weights could not be loaded (missing folder, wrong layout, no such device)."""


class JobChannel:
    """The child's side of the pipe, seen by one job."""

    def __init__(self, conn: Connection, job_id: str) -> None:
        self._conn = conn
        self.job_id = job_id

    def send(self, event: Event) -> None:
        self._conn.send(event)

    def step_done(self, step: int, total: int) -> None:
        self.send(Progress(self.job_id, step, total))
        self.raise_if_cancelled()

    def raise_if_cancelled(self) -> None:
        while self._conn.poll():
            message = self._conn.recv()
            if isinstance(message, Cancel) and message.job_id == self.job_id:
                raise RunCancelled(f"generation {self.job_id} was cancelled")


class PipelineHolder:
    """The loaded pipeline, dropped before another is loaded so two never share memory."""

    def __init__(self) -> None:
        self._loaded: pipeline.LoadedPipeline | None = None

    def get(self, family: PipelineFamily, settings: PipelineSettings) -> pipeline.LoadedPipeline:
        loaded = self._loaded
        if loaded is not None and (loaded.family, loaded.settings) == (family, settings):
            return loaded
        self._loaded = loaded = None
        pipeline.free_device_memory()
        try:
            self._loaded = pipeline.load_pipeline(family, settings)
        except Exception as exc:
            raise LoadFailed(
                f"could not load the model from {settings.model_dir}: {type(exc).__name__}: {exc}"
            ) from exc
        return self._loaded


def serve(conn: Connection) -> None:
    """The child's main loop; returns when the engine closes its end of the pipe."""
    # Ctrl-C in the server's terminal reaches the whole process group; the engine, not
    # the keyboard, decides when this process ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pipelines = PipelineHolder()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if isinstance(message, Start):
            _run(JobChannel(conn, message.job_id), message, pipelines)


def _run(channel: JobChannel, start: Start, pipelines: PipelineHolder) -> None:
    try:
        loaded = pipelines.get(FAMILIES[start.family], start.settings)
        channel.raise_if_cancelled()
        frames = pipeline.generate(loaded, start.request, channel.step_done)
        channel.raise_if_cancelled()
        count = write_mp4(
            Path(start.output_path),
            frames,
            width=start.request.width,
            height=start.request.height,
            fps=start.request.fps,
        )
        channel.send(Output(start.job_id, start.output_path, count))
    except Exception as exc:  # noqa: BLE001 - every failure is reported to the engine, typed
        channel.send(Error(start.job_id, *_classify(exc)))
    finally:
        pipeline.free_device_memory()
        channel.send(Done(start.job_id))


def _classify(exc: Exception) -> tuple[ErrorKind, str]:
    if isinstance(exc, RunCancelled):
        return "cancelled", str(exc)
    if isinstance(exc, LoadFailed):
        return "load_failed", str(exc)
    if pipeline.is_out_of_memory(exc):
        return "out_of_memory", f"{type(exc).__name__}: {exc}"
    return "failed", f"{type(exc).__name__}: {exc}"
