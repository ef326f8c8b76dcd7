"""Text-to-video: a scene of shapes under a gradient sky, with a ball bouncing through it.

The world is painted once; per frame only the ball is stamped in (and the pixels under
it put back afterwards), so the camera films the ball as part of the world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from vidgate.engines.sandbox.camera import CameraMove, reach
from vidgate.engines.sandbox.layout import Ball, SceneLayout, Shape
from vidgate.engines.sandbox.planes import Planes, Sprite, even, planes_from_rgb
from vidgate.engines.sandbox.shapes import draw_ball, draw_shape
from vidgate.engines.sandbox.stage import Stage


@dataclass(frozen=True, slots=True)
class SceneShot:
    stage: Stage
    ball: Sprite
    path: Ball

    def frame(self, progress: float) -> Planes:
        corner = self._ball_corner(progress)
        width, height = self.ball.size
        world = self.stage.world
        under = world.crop((corner[0], corner[1], corner[0] + width, corner[1] + height))
        self.ball.stamp(world, corner)
        try:
            return self.stage.film(progress)
        finally:
            world.paste(under, corner)

    def _ball_corner(self, progress: float) -> tuple[int, int]:
        x, y = self.stage.world_point(*self.path.centre(progress))
        width, height = self.ball.size
        return even(x - width / 2), even(y - height / 2)


def scene_shot(layout: SceneLayout, size: tuple[int, int], camera: CameraMove) -> SceneShot:
    margin = reach(camera, size)
    world = planes_from_rgb(paint_world(layout, size, margin))
    side = _side(layout.ball.size, size)
    ball = Sprite.from_rgba(draw_ball(side, layout.ball.colour))
    return SceneShot(Stage(world, camera, size, margin), ball, layout.ball)


def paint_world(layout: SceneLayout, size: tuple[int, int], margin: tuple[int, int]) -> Image.Image:
    """The scene as RGB: the frame at rest is ``size`` at ``margin`` from the top-left."""
    canvas = _sky(layout, size, margin)
    for shape in layout.shapes:
        _paint_shape(canvas, shape, size, margin)
    return canvas


def _sky(layout: SceneLayout, size: tuple[int, int], margin: tuple[int, int]) -> Image.Image:
    width, height = size
    world_size = (width + 2 * margin[0], height + 2 * margin[1])
    rows = np.arange(world_size[1], dtype=np.float32)
    mix = np.clip((rows - margin[1]) / height, 0.0, 1.0)[:, None, None]
    sky, ground = np.array(layout.sky, np.float32), np.array(layout.ground, np.float32)
    column = np.rint(sky * (1 - mix) + ground * mix).astype(np.uint8)
    return Image.fromarray(column).resize(world_size, Image.Resampling.NEAREST)


def _paint_shape(
    canvas: Image.Image, shape: Shape, size: tuple[int, int], margin: tuple[int, int]
) -> None:
    side = _side(shape.size, size)
    left = round(margin[0] + shape.x * size[0] - side / 2)
    top = round(margin[1] + shape.y * size[1] - side / 2)
    if left >= canvas.width or top >= canvas.height or left + side <= 0 or top + side <= 0:
        return
    picture = draw_shape(shape.kind, side, shape.angle, shape.colour)
    canvas.paste(picture, (left, top), picture)


def _side(fraction: float, size: tuple[int, int]) -> int:
    return max(2, even(fraction * min(size)))
