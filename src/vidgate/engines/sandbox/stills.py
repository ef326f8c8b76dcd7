"""Image-to-video: the first image, filmed by a moving camera, fading into the last image.

The first frame is the first image cover-fitted to the frame; the camera starts at rest,
so it moves away from exactly that picture. With a last image, the last ``FADE`` of the
clip cross-fades into it, and the final frame is that image cover-fitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import numpy as np
from PIL import Image, ImageOps

from vidgate.engines.sandbox.camera import CameraMove, ease, reach
from vidgate.engines.sandbox.planes import Planes, blend, planes_from_rgb
from vidgate.engines.sandbox.stage import Stage
from vidgate.media.images import MIME_TYPES

FADE = 1 / 3


@dataclass(frozen=True, slots=True)
class StillShot:
    stage: Stage
    last: Planes | None

    def frame(self, progress: float) -> Planes:
        weight = fade_weight(progress)
        if self.last is None or weight <= 0:
            return self.stage.film(progress)
        if weight >= 1:
            return self.last.copy()
        return blend(self.stage.film(progress), self.last, weight)


def still_shot(
    first: bytes, last: bytes | None, size: tuple[int, int], camera: CameraMove
) -> StillShot:
    margin = reach(camera, size)
    world = planes_from_rgb(_mirror_margin(cover_fit(first, size), margin))
    last_planes = planes_from_rgb(cover_fit(last, size)) if last is not None else None
    return StillShot(Stage(world, camera, size, margin), last_planes)


def fade_weight(progress: float) -> float:
    """How much of the last image shows ``progress`` (0..1) through the clip."""
    return ease((progress - (1 - FADE)) / FADE)


def cover_fit(data: bytes, size: tuple[int, int]) -> Image.Image:
    """The image scaled to cover ``size`` and centre-cropped to it, as RGB."""
    with Image.open(BytesIO(data), formats=tuple(MIME_TYPES)) as image:
        return ImageOps.fit(image.convert("RGB"), size, Image.Resampling.LANCZOS)


def _mirror_margin(image: Image.Image, margin: tuple[int, int]) -> Image.Image:
    """Room for the camera to move: the picture continues as its own mirror image."""
    if margin == (0, 0):
        return image
    x, y = margin
    pixels = np.pad(np.asarray(image), ((y, y), (x, x), (0, 0)), mode="symmetric")
    return Image.fromarray(pixels)
