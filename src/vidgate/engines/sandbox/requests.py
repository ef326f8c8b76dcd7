"""What a sandbox clip is rendered from, apart from the renderer (which needs PyAV and
numpy, loaded by the first clip rather than by every process that builds the engine)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from vidgate.engines.sandbox.camera import CameraMove


@dataclass(frozen=True, slots=True)
class RenderRequest:
    width: int
    height: int
    fps: float
    frames: int
    seed: int
    prompt: str = ""
    first_frame: bytes | None = None
    last_frame: bytes | None = None
    camera: CameraMove | None = None

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


@dataclass(frozen=True, slots=True)
class RenderCap:
    """The most a clip is rendered at, for load tests and benchmarks where the picture does
    not matter: the longer side at most ``max_side`` pixels (aspect kept, sides even), at
    most ``max_frames`` frames. The job's nominal shape, and so its price, stay as they are.
    """

    max_side: int | None = None
    max_frames: int | None = None

    def apply(self, request: RenderRequest) -> RenderRequest:
        width, height = request.size
        longest = max(width, height)
        if self.max_side is not None and longest > self.max_side:
            scale = self.max_side / longest
            width, height = _even(width * scale), _even(height * scale)
        frames = request.frames if self.max_frames is None else min(request.frames, self.max_frames)
        return replace(request, width=width, height=height, frames=frames)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)
