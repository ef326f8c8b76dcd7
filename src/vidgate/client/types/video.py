"""``Video``: one generation as ``GET /v1/videos/{id}`` returns it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from vidgate.client.types.video_error import VideoError
from vidgate.client.types.video_usage import VideoUsage

VideoStatus = Literal["queued", "in_progress", "completed", "failed"]
TERMINAL: frozenset[str] = frozenset({"completed", "failed"})


class Video(BaseModel):
    """A generation. ``usage`` and ``engine`` are vidgate's additions to OpenAI's shape;
    any other field a server adds is kept (``video.model_extra``)."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    id: str
    object: Literal["video"] = "video"
    created_at: int
    completed_at: int | None = None
    expires_at: int | None = None
    status: VideoStatus
    progress: int = 0
    model: str
    seconds: str
    size: str
    prompt: str | None = None
    remixed_from_video_id: str | None = None
    error: VideoError | None = None
    usage: VideoUsage | None = None
    engine: str | None = None

    @property
    def done(self) -> bool:
        """``completed`` or ``failed``: the status will not change again."""
        return self.status in TERMINAL
