"""Rendering a sandbox clip to an H.264 MP4: pure, deterministic and CPU-only.

The same request always gives the same bytes: every choice is seeded from the request and
``write_mp4`` encodes on one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from vidgate.engines.sandbox.camera import PUSH_IN, STILL
from vidgate.engines.sandbox.layout import layout_for
from vidgate.engines.sandbox.overlay import Overlay, caption, sandbox_mark
from vidgate.engines.sandbox.planes import Planes
from vidgate.engines.sandbox.requests import RenderRequest
from vidgate.engines.sandbox.scenes import scene_shot
from vidgate.engines.sandbox.stills import still_shot
from vidgate.media.encode import Frame, write_mp4

# x264's fastest preset, a little below its default quality: encoding is most of the cost
# of a clip, and a sandbox clip needs to be a valid H.264 file more than a beautiful one
# (on a detailed 1080p clip, crf 28 encodes in 3/4 of the time to 2/5 of the size).
PRESET = "ultrafast"
QUALITY = 28


class RenderStopped(Exception):
    """``should_stop`` said yes between two frames."""


class Shot(Protocol):
    def frame(self, progress: float) -> Planes:
        """A new frame, ``progress`` (0..1) through the clip."""


def render_video(
    request: RenderRequest, path: Path, should_stop: Callable[[], bool] = lambda: False
) -> int:
    """Write the clip to ``path`` and return its frame count; raises ``RenderStopped``."""
    frames = _frames(_shot(request), _overlays(request), request.frames, should_stop)
    return write_mp4(
        path,
        frames,
        width=request.width,
        height=request.height,
        fps=request.fps,
        frame_format="yuv420p",
        preset=PRESET,
        crf=QUALITY,
    )


def _shot(request: RenderRequest) -> Shot:
    if request.first_frame is not None:
        camera = request.camera or PUSH_IN
        return still_shot(request.first_frame, request.last_frame, request.size, camera)
    layout = layout_for(request.prompt, request.seed)
    return scene_shot(layout, request.size, request.camera or STILL)


def _overlays(request: RenderRequest) -> list[Overlay]:
    """The mark always; the caption on text-to-video only, where it hides no input image."""
    overlays = [sandbox_mark(request.size)]
    text = caption(request.prompt, request.size) if request.first_frame is None else None
    return [text, *overlays] if text is not None else overlays


def _frames(
    shot: Shot, overlays: list[Overlay], count: int, should_stop: Callable[[], bool]
) -> Iterator[Frame]:
    for index in range(count):
        if should_stop():
            raise RenderStopped(f"stopped after {index} of {count} frames")
        frame = shot.frame(index / (count - 1) if count > 1 else 0.0)
        for overlay in overlays:
            overlay.apply(frame)
        yield frame.to_yuv420p()
