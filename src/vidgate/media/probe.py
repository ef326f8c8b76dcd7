"""Reading what a video file is, with PyAV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from vidgate.domain.errors import OutputInvalid


@dataclass(frozen=True, slots=True)
class VideoFacts:
    codec: str
    width: int
    height: int
    fps: float
    frames: int
    duration: float


def probe_video(path: Path) -> VideoFacts:
    """Facts from the container headers; raises OutputInvalid if it is not a video."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise OutputInvalid("the file has no video stream")
            stream = container.streams.video[0]
            rate = stream.average_rate or stream.base_rate
            fps = float(rate) if rate else 0.0
            frames = stream.frames or 0
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                duration = frames / fps if fps else 0.0
            return VideoFacts(
                codec=stream.codec_context.name,
                width=stream.codec_context.width,
                height=stream.codec_context.height,
                fps=fps,
                frames=frames,
                duration=duration,
            )
    except av.error.FFmpegError as exc:
        raise OutputInvalid(f"the file is not a readable video: {exc}") from exc
