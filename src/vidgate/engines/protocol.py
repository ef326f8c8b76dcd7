"""The seam between the worker and the engines.

The worker claims a job, builds an ``EngineJob`` and calls ``Engine.run`` with an
``EngineContext``. The engine reports progress through the context, stores whatever it
needs to resume after a crash with ``save_upstream`` (durable before it returns), and
returns where the finished video is. Errors are raised from ``vidgate.domain.errors``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from vidgate.domain.catalogue import ImageRole, ModelSpec
from vidgate.domain.jobs import VideoShape
from vidgate.domain.routing import Deployment

__all__ = [
    "Closable",
    "Deployment",
    "Engine",
    "EngineContext",
    "EngineJob",
    "EngineOutput",
    "InputImage",
    "LocalVideo",
    "Readiness",
    "RemoteVideo",
]

PublicPhase = Literal["queued", "running"]


@dataclass(frozen=True, slots=True)
class InputImage:
    """An input image, already fetched, decoded and checked against the model's rules."""

    field: str
    role: ImageRole
    data: bytes
    mime: str
    width: int
    height: int
    source_url: str | None = None

    def base64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{self.base64()}"


@dataclass(frozen=True, slots=True)
class EngineJob:
    id: str
    model: ModelSpec
    params: Mapping[str, Any]
    images: Mapping[str, InputImage]
    shape: VideoShape
    seed: int
    deployment: Deployment

    def image(self, role: ImageRole) -> InputImage | None:
        return next((i for i in self.images.values() if i.role == role), None)


@dataclass(frozen=True, slots=True)
class LocalVideo:
    """The engine wrote the MP4 to ``path`` (inside ``EngineContext.workdir``)."""

    path: Path


@dataclass(frozen=True, slots=True)
class RemoteVideo:
    """The vendor holds the MP4 at ``url``; the worker streams it into vidgate's storage."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)


EngineOutput = LocalVideo | RemoteVideo


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    reason: str = ""


class EngineContext(Protocol):
    """What an engine may do to the job it runs. Implemented by the worker over the store."""

    @property
    def upstream(self) -> Mapping[str, Any] | None:
        """The state this engine saved for this job in an earlier run (after a restart)."""

    @property
    def workdir(self) -> Path:
        """A private folder for output files, removed after the job."""

    @property
    def cancel_requested(self) -> bool:
        """True once the caller asked to cancel; engines check it between steps."""

    async def save_upstream(self, state: Mapping[str, Any] | None) -> None:
        """Durably store the state needed to resume; ``None`` clears it."""

    async def report(
        self, phase: PublicPhase, progress: int | None = None, vendor_status: str | None = None
    ) -> None:
        """Tell pollers where the job is; cheap when nothing changed."""


@runtime_checkable
class Closable(Protocol):
    """Engines holding resources (child processes, connections) release them here."""

    async def close(self) -> None: ...


@runtime_checkable
class Engine(Protocol):
    name: str

    def readiness(self, deployment: Deployment) -> Readiness:
        """Whether this engine can serve ``deployment`` now (credentials, extras installed)."""

    async def run(self, job: EngineJob, ctx: EngineContext) -> EngineOutput:
        """Produce the video, resuming from ``ctx.upstream`` when it is set."""

    async def cancel(self, job: EngineJob, upstream: Mapping[str, Any] | None) -> bool:
        """Stop the job where it runs; return True when the vendor still bills it."""
