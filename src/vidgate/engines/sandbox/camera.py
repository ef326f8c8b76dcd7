"""The sandbox's virtual camera: Kling's camera parameters as one affine view per frame.

The camera looks at a world canvas larger than the frame. It starts at rest (the frame is
the centre of the world) and eases to the end of its move over the clip. Each frame's view
is an ``Affine`` that maps a pixel of the frame to a point of the world, in Pillow's order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeGuard, get_args

MovementType = Literal["horizontal", "vertical", "pan", "tilt", "roll", "zoom"]
MOVEMENT_TYPES: frozenset[str] = frozenset(get_args(MovementType))

# What a movement_value of 10 does: travel a quarter of the frame, turn 15 degrees, or
# magnify 1.5 times.
FULL_TRAVEL = 0.25
FULL_ROLL_DEGREES = 15.0
FULL_ZOOM = 1.5
# Extra world around the farthest view, so bilinear sampling never reads past the edge.
EDGE_SLACK = 2
REACH_SAMPLES = 16


@dataclass(frozen=True, slots=True)
class CameraMove:
    """Where the camera is at the end of the clip, relative to where it started.

    ``travel_x`` and ``travel_y`` are fractions of the frame's width and height (+x right,
    +y down: the scene slides the other way); ``roll`` turns the camera clockwise in degrees
    (the scene turns anticlockwise); ``magnification`` above 1 narrows the view.
    """

    travel_x: float = 0.0
    travel_y: float = 0.0
    roll: float = 0.0
    magnification: float = 1.0

    def __add__(self, other: CameraMove) -> CameraMove:
        return CameraMove(
            travel_x=self.travel_x + other.travel_x,
            travel_y=self.travel_y + other.travel_y,
            roll=self.roll + other.roll,
            magnification=self.magnification * other.magnification,
        )

    @property
    def is_still(self) -> bool:
        return self == STILL


STILL = CameraMove()
PUSH_IN = CameraMove(magnification=1.1)
"""The slow Ken Burns move an image-to-video clip makes when no camera is asked for."""

# Kling's presets, read from their names: "down_back" descends and pulls back, and so on.
PRESETS: dict[str, tuple[tuple[MovementType, int], ...]] = {
    "down_back": (("vertical", -5), ("zoom", 5)),
    "forward_up": (("zoom", -5), ("pan", 5)),
    "right_turn_forward": (("tilt", 5), ("zoom", -5)),
    "left_turn_forward": (("tilt", -5), ("zoom", -5)),
}


def movement(kind: MovementType, value: float) -> CameraMove:
    """One of Kling's advanced moves; ``value`` is -10..10 and its sign sets the direction.

    Kling's signs: horizontal + is right, vertical + is up, pan + turns up, tilt + turns
    right, roll + is clockwise, zoom + widens the view. Over a flat world a small turn of
    the camera looks like a slide, so pan and tilt slide like vertical and horizontal.
    """
    unit = value / 10
    if kind in ("horizontal", "tilt"):
        return CameraMove(travel_x=unit * FULL_TRAVEL)
    if kind in ("vertical", "pan"):
        return CameraMove(travel_y=-unit * FULL_TRAVEL)
    if kind == "roll":
        return CameraMove(roll=unit * FULL_ROLL_DEGREES)
    return CameraMove(magnification=FULL_ZOOM**-unit)


def camera_from_params(params: Mapping[str, Any]) -> CameraMove | None:
    """The move ``camera_control`` and ``advanced_camera_control`` ask for, or None."""
    moves = [movement(kind, value) for kind, value in PRESETS.get(_preset(params), ())]
    advanced = _advanced(params.get("advanced_camera_control"))
    if advanced is not None:
        moves.append(advanced)
    return sum(moves, STILL) if moves else None


def _preset(params: Mapping[str, Any]) -> str:
    preset = params.get("camera_control")
    return preset if isinstance(preset, str) else ""


def _advanced(value: object) -> CameraMove | None:
    if not isinstance(value, Mapping):
        return None
    kind, amount = value.get("movement_type"), value.get("movement_value")
    if not _is_movement_type(kind) or not _is_number(amount):
        return None
    return movement(kind, amount)


def _is_movement_type(value: object) -> TypeGuard[MovementType]:
    return value in MOVEMENT_TYPES


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Affine(NamedTuple):
    """Maps a frame pixel (x, y) to the world point (a x + b y + c, d x + e y + f)."""

    a: float
    b: float
    c: float
    d: float
    e: float
    f: float

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.b * y + self.c, self.d * x + self.e * y + self.f

    def halved(self) -> Affine:
        """The same view between planes of half the resolution (4:2:0 chroma)."""
        return self._replace(c=self.c / 2, f=self.f / 2)

    @property
    def is_axis_aligned(self) -> bool:
        return self.b == 0 and self.d == 0

    @property
    def is_whole_pixel_shift(self) -> bool:
        whole_pixels = self.c.is_integer() and self.f.is_integer()
        return whole_pixels and self.a == self.e == 1 and self.is_axis_aligned


def ease(progress: float) -> float:
    """Smoothstep: a move starts and ends gently."""
    t = min(max(progress, 0.0), 1.0)
    return t * t * (3 - 2 * t)


def view_at(
    move: CameraMove, progress: float, size: tuple[int, int], origin: tuple[int, int]
) -> Affine:
    """The view ``progress`` (0..1) through ``move`` for a frame of ``size``.

    ``origin`` is where the frame's top-left corner is in the world while at rest.
    """
    width, height = size
    amount = ease(progress)
    scale = move.magnification**amount
    angle = math.radians(move.roll * amount)
    cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
    centre_x = origin[0] + width / 2 + move.travel_x * width * amount
    centre_y = origin[1] + height / 2 + move.travel_y * height * amount
    return Affine(
        a=cos,
        b=-sin,
        c=centre_x - (cos * width - sin * height) / 2,
        d=sin,
        e=cos,
        f=centre_y - (sin * width + cos * height) / 2,
    )


def reach(move: CameraMove, size: tuple[int, int]) -> tuple[int, int]:
    """How far (x, y) past the frame at rest the camera sees during ``move``, in even pixels.

    The world canvas needs this margin on every side.
    """
    if move.is_still:
        return 0, 0
    width, height = size
    corners = [
        view_at(move, i / REACH_SAMPLES, size, (0, 0)).apply(x, y)
        for i in range(REACH_SAMPLES + 1)
        for x, y in ((0, 0), (width, 0), (0, height), (width, height))
    ]
    over_x = max(max(-x, x - width) for x, _ in corners)
    over_y = max(max(-y, y - height) for _, y in corners)
    return _even_margin(over_x), _even_margin(over_y)


def _even_margin(overshoot: float) -> int:
    pixels = math.ceil(max(overshoot, 0.0)) + EDGE_SLACK
    return pixels + pixels % 2
