"""Pictures as 4:2:0 Y, U and V planes, which is what the encoder takes.

Worlds, sprites and frames are kept as three Pillow "L" images (chroma at half size), so
every per-frame step (cropping, resampling, pasting, blending) runs in Pillow's C code and
a frame reaches the encoder without a colour conversion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from vidgate.engines.sandbox.camera import Affine
from vidgate.media.encode import Frame

# Pillow's YCbCr is full-range BT.601; H.264 players (and PyAV's decoder) expect the
# limited range: luma 16..235, chroma 16..240.
_LUMA_RANGE = [round(16 + v * 219 / 255) for v in range(256)]
_CHROMA_RANGE = [round(128 + (v - 128) * 224 / 255) for v in range(256)]
# Luma is resampled bilinearly. Chroma (half size, and the eye barely sees its steps) takes
# the nearest pixel, and so do rotations: Pillow has no fast bilinear path for them, and
# it would make a rolling 720p clip cost eight times as much per frame.
_LUMA_RESAMPLE = Image.Resampling.BILINEAR
_CHROMA_RESAMPLE = Image.Resampling.NEAREST
_ROTATION_RESAMPLE = Image.Resampling.NEAREST

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Planes:
    y: Image.Image
    u: Image.Image
    v: Image.Image

    @property
    def size(self) -> tuple[int, int]:
        return self.y.size

    def crop(self, box: Box) -> Planes:
        half = _halved(box)
        return Planes(self.y.crop(box), self.u.crop(half), self.v.crop(half))

    def copy(self) -> Planes:
        return Planes(self.y.copy(), self.u.copy(), self.v.copy())

    def paste(self, other: Planes, corner: tuple[int, int]) -> None:
        """Put ``other`` here with its top-left at ``corner`` (even coordinates)."""
        x, y = corner
        self.y.paste(other.y, (x, y))
        self.u.paste(other.u, (x // 2, y // 2))
        self.v.paste(other.v, (x // 2, y // 2))

    def to_yuv420p(self) -> Frame:
        """The three planes one after the other, shaped as ``write_mp4`` takes them."""
        width, height = self.size
        data = b"".join((self.y.tobytes(), self.u.tobytes(), self.v.tobytes()))
        return np.frombuffer(data, dtype=np.uint8).reshape(height * 3 // 2, width)


@dataclass(frozen=True, slots=True)
class Sprite:
    """A picture with transparency, to lay over planes at even coordinates."""

    planes: Planes
    alpha: Image.Image
    alpha_half: Image.Image

    @classmethod
    def from_rgba(cls, image: Image.Image) -> Sprite:
        alpha = image.getchannel("A")
        return cls(planes_from_rgb(image.convert("RGB")), alpha, alpha.reduce(2))

    @property
    def size(self) -> tuple[int, int]:
        return self.planes.size

    def stamp(self, target: Planes, corner: tuple[int, int]) -> None:
        x, y = corner
        target.y.paste(self.planes.y, (x, y), self.alpha)
        target.u.paste(self.planes.u, (x // 2, y // 2), self.alpha_half)
        target.v.paste(self.planes.v, (x // 2, y // 2), self.alpha_half)


def planes_from_rgb(image: Image.Image) -> Planes:
    """Limited-range BT.601 planes of an RGB image with even sides."""
    y, cb, cr = image.convert("YCbCr").split()
    return Planes(
        y.point(_LUMA_RANGE),
        cb.reduce(2).point(_CHROMA_RANGE),
        cr.reduce(2).point(_CHROMA_RANGE),
    )


def sample(world: Planes, view: Affine, size: tuple[int, int]) -> Planes:
    """The frame of ``size`` that ``view`` sees of ``world``."""
    half_size = (size[0] // 2, size[1] // 2)
    half_view = view.halved()
    return Planes(
        _sample(world.y, view, size, _LUMA_RESAMPLE),
        _sample(world.u, half_view, half_size, _CHROMA_RESAMPLE),
        _sample(world.v, half_view, half_size, _CHROMA_RESAMPLE),
    )


def blend(first: Planes, second: Planes, weight: float) -> Planes:
    """``first`` faded towards ``second`` by ``weight`` (0..1)."""
    return Planes(
        Image.blend(first.y, second.y, weight),
        Image.blend(first.u, second.u, weight),
        Image.blend(first.v, second.v, weight),
    )


def even(value: float) -> int:
    """The even integer at or below ``value`` (chroma sits on 2x2 blocks)."""
    whole = math.floor(value)
    return whole - whole % 2


def _sample(
    plane: Image.Image, view: Affine, size: tuple[int, int], resample: Image.Resampling
) -> Image.Image:
    # Cheapest first: a crop copies, a box resize is separable, a rotation is neither.
    if view.is_whole_pixel_shift:
        left, top = int(view.c), int(view.f)
        return plane.crop((left, top, left + size[0], top + size[1]))
    if view.is_axis_aligned:
        right, bottom = view.apply(*size)
        return plane.resize(size, resample, box=(view.c, view.f, right, bottom))
    return plane.transform(size, Image.Transform.AFFINE, tuple(view), _ROTATION_RESAMPLE)


def _halved(box: Box) -> Box:
    left, top, right, bottom = box
    return left // 2, top // 2, right // 2, bottom // 2
