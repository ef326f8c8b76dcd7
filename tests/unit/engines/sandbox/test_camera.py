"""Kling's camera parameters: how they read, and how they move what the clip shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.unit.engines.sandbox.conftest import (
    RGBFrames,
    decode,
    generate,
    mean_difference,
    small_job,
)
from tests.unit.engines.sandbox.test_render import magnified
from vidgate.domain.jobs import VideoShape
from vidgate.engines.sandbox import SandboxEngine
from vidgate.engines.sandbox.camera import (
    PRESETS,
    CameraMove,
    camera_from_params,
    reach,
    view_at,
)

SHAPE = VideoShape(width=384, height=216, fps=8, frames=16)
SIZE = (SHAPE.width, SHAPE.height)
# Away from the caption band and the SANDBOX badge, which do not move with the camera.
MIDDLE = (slice(54, 162), slice(96, 288))
CLOSE = 5.0


def advanced(kind: str, value: int) -> dict[str, Any]:
    return {"advanced_camera_control": {"movement_type": kind, "movement_value": value}}


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("horizontal", 10, CameraMove(travel_x=0.25)),
        ("horizontal", -4, CameraMove(travel_x=-0.1)),
        ("vertical", 10, CameraMove(travel_y=-0.25)),
        ("tilt", -10, CameraMove(travel_x=-0.25)),
        ("pan", 10, CameraMove(travel_y=-0.25)),
        ("roll", 10, CameraMove(roll=15)),
        ("zoom", -10, CameraMove(magnification=1.5)),
        ("zoom", 10, CameraMove(magnification=1 / 1.5)),
    ],
)
def test_advanced_moves_follow_klings_signs(kind: str, value: int, expected: CameraMove) -> None:
    move = camera_from_params(advanced(kind, value))

    assert move is not None
    assert move.travel_x == pytest.approx(expected.travel_x)
    assert move.travel_y == pytest.approx(expected.travel_y)
    assert move.roll == pytest.approx(expected.roll)
    assert move.magnification == pytest.approx(expected.magnification)


@pytest.mark.parametrize(
    ("preset", "goes_right", "goes_down", "magnifies"),
    [
        ("down_back", None, True, False),
        ("forward_up", None, False, True),
        ("right_turn_forward", True, None, True),
        ("left_turn_forward", False, None, True),
    ],
)
def test_presets_move_as_their_names_say(
    preset: str, goes_right: bool | None, goes_down: bool | None, magnifies: bool
) -> None:
    move = camera_from_params({"camera_control": preset})

    assert move is not None
    assert _direction(move.travel_x) == goes_right
    assert _direction(move.travel_y) == goes_down
    assert (move.magnification > 1) == magnifies


def test_every_preset_is_covered() -> None:
    assert set(PRESETS) == {"down_back", "forward_up", "right_turn_forward", "left_turn_forward"}


def test_a_preset_and_an_advanced_move_add_up() -> None:
    move = camera_from_params({"camera_control": "down_back", **advanced("roll", -10)})

    assert move is not None
    assert move.roll == pytest.approx(-15)
    assert move.magnification < 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"camera_control": "barrel_roll"},
        advanced("dolly", 5),
        advanced("zoom", True),
        {"advanced_camera_control": "zoom"},
    ],
)
def test_no_camera_without_a_usable_camera_parameter(params: dict[str, Any]) -> None:
    assert camera_from_params(params) is None


@pytest.mark.parametrize("move", [CameraMove(roll=15, magnification=0.67), CameraMove(0.25, 0.1)])
def test_the_camera_starts_at_rest(move: CameraMove) -> None:
    margin = reach(move, SIZE)

    view = view_at(move, 0.0, SIZE, margin)

    assert view.is_whole_pixel_shift
    assert (view.c, view.f) == margin


@pytest.mark.parametrize(
    "move",
    [
        CameraMove(),
        CameraMove(magnification=1.1),
        CameraMove(travel_x=-0.25, magnification=1 / 1.5),
        CameraMove(travel_y=0.25, roll=-15, magnification=1 / 1.5),
    ],
)
def test_the_world_is_large_enough_for_every_view(move: CameraMove) -> None:
    margin = reach(move, SIZE)
    world = (SIZE[0] + 2 * margin[0], SIZE[1] + 2 * margin[1])

    for step in range(33):
        view = view_at(move, step / 32, SIZE, margin)
        for corner in ((0, 0), (SIZE[0], 0), (0, SIZE[1]), SIZE):
            x, y = view.apply(*corner)
            assert 0 <= x <= world[0] and 0 <= y <= world[1]
    assert margin[0] % 2 == margin[1] % 2 == 0


async def test_zooming_in_magnifies_the_scene(engine: SandboxEngine, tmp_path: Path) -> None:
    still, moved = await _still_and_moved(engine, tmp_path, advanced("zoom", -10))

    assert mean_difference(moved[0], still[0]) < 1
    assert_shows(
        moved[-1][MIDDLE],
        rather=magnified(still[-1], 1.5)[MIDDLE],
        than=_minified_middle(still[-1]),
    )


async def test_zooming_out_shrinks_the_scene(engine: SandboxEngine, tmp_path: Path) -> None:
    still, moved = await _still_and_moved(engine, tmp_path, advanced("zoom", 10))

    assert_shows(
        magnified(moved[-1], 1.5)[MIDDLE],
        rather=still[-1][MIDDLE],
        than=magnified(magnified(still[-1], 1.5), 1.5)[MIDDLE],
    )


@pytest.mark.parametrize(("kind", "value", "slide"), [("horizontal", 10, -96), ("tilt", -10, 96)])
async def test_moving_sideways_slides_the_scene_the_other_way(
    engine: SandboxEngine, tmp_path: Path, kind: str, value: int, slide: int
) -> None:
    still, moved = await _still_and_moved(engine, tmp_path, advanced(kind, value))

    rows, width = MIDDLE[0], SIZE[0]
    part = slice(abs(slide), width - abs(slide))
    assert_shows(
        moved[-1][rows, part],
        rather=still[-1][rows, abs(slide) - slide : width - abs(slide) - slide],
        than=still[-1][rows, abs(slide) + slide : width - abs(slide) + slide],
    )


async def test_moving_up_slides_the_scene_down(engine: SandboxEngine, tmp_path: Path) -> None:
    still, moved = await _still_and_moved(engine, tmp_path, advanced("vertical", 10))

    slide = SIZE[1] // 4
    assert_shows(
        moved[-1][slide : 2 * slide],
        rather=still[-1][:slide],
        than=still[-1][2 * slide : 3 * slide],
    )


async def test_rolling_clockwise_turns_the_scene_anticlockwise(
    engine: SandboxEngine, tmp_path: Path
) -> None:
    still, moved = await _still_and_moved(engine, tmp_path, advanced("roll", 10))

    assert_shows(
        moved[-1][MIDDLE],
        rather=_turned(still[-1], 15)[MIDDLE],
        than=_turned(still[-1], -15)[MIDDLE],
    )


def assert_shows(frame: RGBFrames, *, rather: RGBFrames, than: RGBFrames) -> None:
    """``frame`` is close to ``rather`` and much further from ``than``."""
    expected, opposite = mean_difference(frame, rather), mean_difference(frame, than)
    assert expected < CLOSE
    assert opposite > 4 * expected


async def _still_and_moved(
    engine: SandboxEngine, tmp_path: Path, camera: dict[str, Any]
) -> tuple[RGBFrames, RGBFrames]:
    still = small_job(prompt="a kite", shape=SHAPE)
    moved = small_job(prompt="a kite", shape=SHAPE, **camera)
    return (
        decode(await generate(engine, still, tmp_path / "still")),
        decode(await generate(engine, moved, tmp_path / "moved")),
    )


def _minified_middle(frame: RGBFrames) -> RGBFrames:
    """The middle of ``frame`` shrunk 1.5 times, as a camera pulling back would show it."""
    height, width = frame.shape[:2]
    shrunk = Image.fromarray(frame).resize((round(width / 1.5), round(height / 1.5)))
    canvas = Image.new("RGB", (width, height))
    canvas.paste(shrunk, ((width - shrunk.width) // 2, (height - shrunk.height) // 2))
    return np.asarray(canvas)[MIDDLE]


def _turned(frame: RGBFrames, degrees: float) -> RGBFrames:
    return np.asarray(Image.fromarray(frame).rotate(degrees, Image.Resampling.BILINEAR))


def _direction(travel: float) -> bool | None:
    return None if travel == 0 else travel > 0
