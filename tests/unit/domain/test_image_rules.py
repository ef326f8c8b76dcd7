"""The image rules of the reference."""

from __future__ import annotations

import pytest

from vidgate.domain.errors import InvalidImage
from vidgate.domain.image_rules import ImageFacts, check_image
from vidgate.domain.seed_catalogue import KLING_IMAGE, MINIMAX_IMAGE, RUNWAY_IMAGE


def facts(
    w: int, h: int, fmt: str = "PNG", size: int = 1000, data_uri_chars: int | None = None
) -> ImageFacts:
    return ImageFacts(format=fmt, width=w, height=h, bytes=size, data_uri_chars=data_uri_chars)


@pytest.mark.parametrize(
    ("rule", "image", "problem"),
    [
        (KLING_IMAGE, facts(299, 600), "at least 300"),
        (KLING_IMAGE, facts(300, 751), "aspect ratio"),
        (KLING_IMAGE, facts(600, 400, "GIF"), "format GIF"),
        (KLING_IMAGE, facts(600, 400, size=11 * 1024 * 1024), "bytes"),
        (MINIMAX_IMAGE, facts(300, 400), "at least 301"),
        (MINIMAX_IMAGE, facts(1000, 400), "exclusive"),
        (RUNWAY_IMAGE, facts(9000, 5000), "at most 8000"),
        (RUNWAY_IMAGE, facts(640, 360, data_uri_chars=5 * 1024 * 1024), "data URI"),
    ],
)
def test_broken_rules_are_named(rule: object, image: ImageFacts, problem: str) -> None:
    with pytest.raises(InvalidImage) as caught:
        check_image(rule, image, "image_url")  # type: ignore[arg-type]
    assert caught.value.field == "image_url"
    assert problem in caught.value.message


def test_images_on_the_limits_pass() -> None:
    check_image(KLING_IMAGE, facts(300, 750), "image_url")
    check_image(MINIMAX_IMAGE, facts(301, 700), "first_frame_image")
    check_image(RUNWAY_IMAGE, facts(1000, 500, "WEBP"), "image_url")
