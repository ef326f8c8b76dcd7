"""What a text-to-video scene holds, decided by the prompt and the seed alone.

Positions are fractions of the frame at rest (0..1 is inside it; the shapes outside are
there for the camera to find), sizes are fractions of the frame's shorter side, so one
layout serves every output size.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
from dataclasses import dataclass
from typing import Literal, get_args

RGB = tuple[int, int, int]
ShapeKind = Literal["disc", "box", "triangle", "ring"]
SHAPE_KINDS: tuple[ShapeKind, ...] = get_args(ShapeKind)

SHAPES_IN_FRAME = 5
SHAPES_AROUND = 14


@dataclass(frozen=True, slots=True)
class Shape:
    kind: ShapeKind
    x: float
    y: float
    size: float
    angle: float
    colour: RGB


@dataclass(frozen=True, slots=True)
class Ball:
    """The moving element: it rolls from ``start_x`` to ``end_x``, bouncing off ``floor``."""

    start_x: float
    end_x: float
    floor: float
    bounce_height: float
    bounces: int
    size: float
    colour: RGB

    def centre(self, progress: float) -> tuple[float, float]:
        x = self.start_x + (self.end_x - self.start_x) * progress
        lift = abs(math.sin(math.pi * self.bounces * progress)) * self.bounce_height
        return x, self.floor - lift


@dataclass(frozen=True, slots=True)
class SceneLayout:
    sky: RGB
    ground: RGB
    shapes: tuple[Shape, ...]
    ball: Ball


def layout_for(prompt: str, seed: int) -> SceneLayout:
    """The same prompt and seed always give the same layout, on any machine."""
    digest = hashlib.sha256(f"{seed}\x00{prompt}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    hue = rng.random()
    return SceneLayout(
        sky=_colour(hue, 0.55, 0.28),
        ground=_colour(hue + 0.08, 0.45, 0.62),
        shapes=_shapes(rng, SHAPES_IN_FRAME, 0.12, 0.88) + _shapes(rng, SHAPES_AROUND, -0.6, 1.6),
        ball=_ball(rng),
    )


def _shapes(rng: random.Random, count: int, low: float, high: float) -> tuple[Shape, ...]:
    return tuple(
        Shape(
            kind=SHAPE_KINDS[rng.randrange(len(SHAPE_KINDS))],
            x=low + (high - low) * rng.random(),
            y=low + (high - low) * rng.random(),
            size=0.12 + 0.22 * rng.random(),
            angle=360 * rng.random(),
            colour=_colour(rng.random(), 0.55 + 0.35 * rng.random(), 0.7 + 0.3 * rng.random()),
        )
        for _ in range(count)
    )


def _ball(rng: random.Random) -> Ball:
    leftwards = rng.random() < 0.5
    start, end = (0.85, 0.15) if leftwards else (0.15, 0.85)
    return Ball(
        start_x=start,
        end_x=end,
        floor=0.62 + 0.08 * rng.random(),
        bounce_height=0.25 + 0.15 * rng.random(),
        bounces=2 + rng.randrange(3),
        size=0.14,
        colour=_colour(rng.random(), 0.8, 1.0),
    )


def _colour(hue: float, saturation: float, value: float) -> RGB:
    red, green, blue = colorsys.hsv_to_rgb(hue % 1.0, saturation, value)
    return round(red * 255), round(green * 255), round(blue * 255)
