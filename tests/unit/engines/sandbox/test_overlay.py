"""The caption's line breaking and the overlays' placement."""

from __future__ import annotations

import pytest
from PIL import ImageFont

from vidgate.engines.sandbox.overlay import (
    CAPTION_LINES,
    ELLIPSIS,
    caption,
    sandbox_mark,
    wrap,
)

FONT = ImageFont.load_default(size=20)
WIDTH = 300


def test_a_short_prompt_is_one_line_as_written() -> None:
    assert wrap("a red kite", FONT, WIDTH) == ["a red kite"]


def test_line_breaks_and_runs_of_spaces_become_single_spaces() -> None:
    assert wrap("a red\n\nkite \t over  hills", FONT, WIDTH) == ["a red kite over hills"]


def test_a_long_prompt_is_cut_to_the_line_limit_with_an_ellipsis() -> None:
    lines = wrap("the quick brown fox jumps over the lazy dog " * 20, FONT, WIDTH)

    assert len(lines) == CAPTION_LINES
    assert lines[-1].endswith(ELLIPSIS)
    assert all(FONT.getlength(line) <= WIDTH for line in lines)


def test_a_word_wider_than_the_line_is_clipped() -> None:
    (line,) = wrap("x" * 500, FONT, WIDTH)

    assert line.endswith(ELLIPSIS)
    assert WIDTH - 20 < FONT.getlength(line) <= WIDTH


@pytest.mark.parametrize("prompt", ["", "   \n "])
def test_no_caption_without_words(prompt: str) -> None:
    assert caption(prompt, (640, 360)) is None


@pytest.mark.parametrize("size", [(1920, 1080), (720, 1280), (130, 98)])
def test_overlays_sit_inside_the_frame_on_even_pixels(size: tuple[int, int]) -> None:
    overlays = [sandbox_mark(size), caption("a red kite over the hills", size)]

    for overlay in overlays:
        assert overlay is not None
        (x, y), (width, height) = overlay.corner, overlay.sprite.size
        assert x % 2 == y % 2 == width % 2 == height % 2 == 0
        assert x >= 0 and y >= 0
        assert x + width <= size[0] and y + height <= size[1]
