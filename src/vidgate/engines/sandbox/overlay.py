"""What is drawn over every frame, fixed to the screen: the caption and the SANDBOX mark."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from vidgate.engines.sandbox.planes import Planes, Sprite, even

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

MARK_TEXT = "SANDBOX"
# Text sizes, as fractions of the frame's shorter side.
MARK_FONT = 0.03
CAPTION_FONT = 0.045
CAPTION_LINES = 2
MIN_FONT = 8
LINE_SPACING = 1.25
ELLIPSIS = "…"
WHITE = (255, 255, 255, 255)
CAPTION_BAND = (0, 0, 0, 150)
MARK_BADGE = (205, 30, 45, 210)


@dataclass(frozen=True, slots=True)
class Overlay:
    sprite: Sprite
    corner: tuple[int, int]

    def apply(self, frame: Planes) -> None:
        self.sprite.stamp(frame, self.corner)


def sandbox_mark(size: tuple[int, int]) -> Overlay:
    """A small badge in the top-left corner, so no one mistakes the clip for a real one."""
    width, height = size
    pixels = _font_pixels(min(size) * MARK_FONT)
    font = ImageFont.load_default(size=pixels)
    padding = max(2, pixels // 3)
    _, top, right, bottom = (int(v) for v in font.getbbox(MARK_TEXT))
    badge_size = (_even_up(right + 2 * padding), _even_up(bottom - top + 2 * padding))
    badge = Image.new("RGBA", badge_size, MARK_BADGE)
    ImageDraw.Draw(badge).text((padding, padding - top), MARK_TEXT, font=font, fill=WHITE)
    return Overlay(Sprite.from_rgba(badge), (even(width * 0.02), even(height * 0.03)))


def caption(prompt: str, size: tuple[int, int]) -> Overlay | None:
    """The prompt in a dark band along the bottom, on at most ``CAPTION_LINES`` lines."""
    width, height = size
    pixels = _font_pixels(min(size) * CAPTION_FONT)
    font = ImageFont.load_default(size=pixels)
    padding = max(2, pixels // 2)
    lines = wrap(prompt, font, width - 2 * padding)
    if not lines:
        return None
    line_height = round(pixels * LINE_SPACING)
    band = Image.new("RGBA", (width, _even_up(len(lines) * line_height + padding)), CAPTION_BAND)
    draw = ImageDraw.Draw(band)
    for index, line in enumerate(lines):
        draw.text((padding, padding // 2 + index * line_height), line, font=font, fill=WHITE)
    return Overlay(Sprite.from_rgba(band), (0, height - band.height))


def wrap(text: str, font: Font, width: float) -> list[str]:
    """``text`` in lines no wider than ``width``; what does not fit ends in an ellipsis."""
    lines = _greedy_lines(text.split(), font, width)
    if len(lines) > CAPTION_LINES:
        lines = lines[:CAPTION_LINES]
        lines[-1] += ELLIPSIS
    return [_clip(line, font, width) for line in lines]


def _greedy_lines(words: list[str], font: Font, width: float) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        elif len(lines) > CAPTION_LINES:
            break
        else:
            lines.append(word)
    return lines


def _clip(line: str, font: Font, width: float) -> str:
    if font.getlength(line) <= width:
        return line
    stem = line.removesuffix(ELLIPSIS)
    keep = bisect.bisect_right(
        range(len(stem) + 1), width, key=lambda n: font.getlength(stem[:n] + ELLIPSIS)
    )
    return stem[: max(keep - 1, 0)] + ELLIPSIS


def _font_pixels(pixels: float) -> int:
    return max(MIN_FONT, round(pixels))


def _even_up(value: int) -> int:
    return value + value % 2
