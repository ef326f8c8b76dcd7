"""Drawing one shape as a small RGBA picture with smooth edges.

Pillow's drawing has no anti-aliasing, so each shape is drawn at ``SUPERSAMPLE`` times
its size and shrunk; shapes are small, so this costs little even at 1080p.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from vidgate.engines.sandbox.layout import RGB, ShapeKind

SUPERSAMPLE = 4
RING_WIDTH = 0.18
TRANSPARENT = (0, 0, 0, 0)


def draw_shape(kind: ShapeKind, side: int, angle: float, colour: RGB) -> Image.Image:
    """``kind`` filling a ``side`` x ``side`` square (``side`` even), turned by ``angle``."""
    big = side * SUPERSAMPLE
    canvas = Image.new("RGBA", (big, big), TRANSPARENT)
    draw = ImageDraw.Draw(canvas)
    if kind == "disc":
        draw.ellipse((0, 0, big - 1, big - 1), fill=colour)
    elif kind == "ring":
        draw.ellipse((0, 0, big - 1, big - 1), outline=colour, width=round(big * RING_WIDTH))
    else:
        corners = 4 if kind == "box" else 3
        draw.polygon(_regular_polygon(corners, big, angle), fill=colour)
    return canvas.resize((side, side), Image.Resampling.BOX)


def draw_ball(side: int, colour: RGB) -> Image.Image:
    """A disc with a white rim and a highlight, so it reads as one object in motion."""
    big = side * SUPERSAMPLE
    canvas = Image.new("RGBA", (big, big), TRANSPARENT)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((0, 0, big - 1, big - 1), fill=(255, 255, 255))
    rim = big // 14
    draw.ellipse((rim, rim, big - 1 - rim, big - 1 - rim), fill=colour)
    spot = (big * 0.22, big * 0.2, big * 0.45, big * 0.43)
    draw.ellipse(spot, fill=_lighter(colour))
    return canvas.resize((side, side), Image.Resampling.BOX)


def _regular_polygon(corners: int, side: int, angle: float) -> list[tuple[float, float]]:
    radius = side / 2
    start = math.radians(angle)
    return [
        (
            radius + radius * math.cos(start + 2 * math.pi * i / corners),
            radius + radius * math.sin(start + 2 * math.pi * i / corners),
        )
        for i in range(corners)
    ]


def _lighter(colour: RGB) -> RGB:
    red, green, blue = colour
    return (red + 255) // 2, (green + 255) // 2, (blue + 255) // 2
