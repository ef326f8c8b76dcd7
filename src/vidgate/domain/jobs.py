"""Generation jobs: their states, the legal transitions, and the record the store keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


ACTIVE_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})
TERMINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

_ALLOWED: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, *TERMINAL_STATUSES}),
    JobStatus.RUNNING: frozenset({JobStatus.QUEUED, *TERMINAL_STATUSES}),
}


def can_transition(current: JobStatus, target: JobStatus) -> bool:
    """Terminal states are final; active states may move to each other or end."""
    return target in _ALLOWED.get(current, frozenset())


class KeyKind(StrEnum):
    LIVE = "live"
    SANDBOX = "sandbox"


@dataclass(frozen=True, slots=True)
class VideoShape:
    """What a generation will produce: decided at submit time from the model and the request."""

    width: int
    height: int
    fps: float
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.fps


@dataclass(frozen=True, slots=True)
class VideoResult:
    """A stored output and what PyAV read from it."""

    blob_key: str
    bytes: int
    sha256: str
    width: int
    height: int
    fps: float
    frames: int
    duration: float
    previews: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredImage:
    """An input image kept in the blob store for the engine to read."""

    field: str
    role: str
    blob_key: str
    mime: str
    width: int
    height: int
    source_url: str | None = None


@dataclass(frozen=True, slots=True)
class JobError:
    name: str
    message: str


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    key_id: str
    model: str
    engine: str
    status: JobStatus
    progress: int
    params: dict[str, Any]
    shape: VideoShape
    price: int
    deployment: str
    created_at: float
    updated_at: float
    seed: int | None = None
    started_at: float | None = None
    finished_at: float | None = None
    error: JobError | None = None
    result: VideoResult | None = None
    upstream: dict[str, Any] | None = None
    upstream_status: str | None = None
    cancel_requested: bool = False
    attempts: int = 0
    refunded: bool = False
    callback_url: str | None = None
    remixed_from: str | None = None
    inputs: tuple[StoredImage, ...] = ()

    @property
    def credits_used(self) -> int:
        return 0 if self.refunded else self.price
