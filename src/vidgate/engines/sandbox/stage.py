"""A world canvas and the camera that films it."""

from __future__ import annotations

from dataclasses import dataclass

from vidgate.engines.sandbox.camera import CameraMove, view_at
from vidgate.engines.sandbox.planes import Planes, sample


@dataclass(frozen=True, slots=True)
class Stage:
    """``world`` is the frame at rest with ``margin`` (x, y) more on every side."""

    world: Planes
    camera: CameraMove
    frame_size: tuple[int, int]
    margin: tuple[int, int]

    def film(self, progress: float) -> Planes:
        """A new frame: what the camera sees ``progress`` (0..1) through the clip."""
        view = view_at(self.camera, progress, self.frame_size, self.margin)
        return sample(self.world, view, self.frame_size)

    def world_point(self, x: float, y: float) -> tuple[float, float]:
        """Where a point of the frame at rest, given in fractions of it, is in the world."""
        width, height = self.frame_size
        return self.margin[0] + x * width, self.margin[1] + y * height
