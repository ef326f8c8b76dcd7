"""Output shapes per model and request, and prices."""

from __future__ import annotations

from typing import Any

import pytest

from vidgate.domain.catalogue import PriceRule
from vidgate.domain.pricing import price_of
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.shapes import fit_short_side, resolve_shape
from vidgate.domain.validation import validate_params

CATALOGUE = seed_catalogue()


def shape(model: str, body: dict[str, Any], image: tuple[int, int] | None = None) -> tuple:
    spec = CATALOGUE.get(model)
    assert spec is not None
    s = resolve_shape(spec, validate_params(spec, body), image)
    return s.width, s.height, s.fps, s.frames


@pytest.mark.parametrize(
    ("model", "body", "image", "expected"),
    [
        ("kling-video/v1/standard/text-to-video", {"prompt": "x"}, None, (1280, 720, 30, 150)),
        (
            "kling-video/v1/standard/text-to-video",
            {"prompt": "x", "aspect_ratio": "1:1", "duration": "10"},
            None,
            (720, 720, 30, 300),
        ),
        (
            "kling-video/v1.6/pro/text-to-video",
            {"prompt": "x", "aspect_ratio": "9:16"},
            None,
            (1080, 1920, 24, 120),
        ),
        (
            "kling-video/v1.6/pro/image-to-video",
            {"prompt": "x", "image_url": "u", "aspect_ratio": "1:1"},
            (1000, 500),
            (2160, 1080, 30, 150),
        ),
        ("video-01", {"prompt": "x"}, None, (1280, 720, 25, 150)),
        ("video-01", {"prompt": "x", "first_frame_image": "u"}, (600, 900), (720, 1080, 25, 150)),
        ("gen3a_turbo", {"image_url": "u"}, (640, 360), (1280, 768, 24, 240)),
        (
            "runway/gen4_turbo",
            {"image_url": "u", "ratio": "21:9", "duration": 5},
            (640, 360),
            (1584, 672, 24, 120),
        ),
        (
            "wan/v2.1/1.3b/text-to-video",
            {"prompt": "x", "aspect_ratio": "9:16"},
            None,
            (480, 832, 16, 81),
        ),
        ("veo2", {"prompt": "x", "duration": "8"}, None, (1280, 720, 24, 192)),
        (
            "veo2/image-to-video",
            {"prompt": "x", "image_url": "u", "aspect_ratio": "auto"},
            (480, 640),
            (720, 1280, 24, 120),
        ),
        (
            "veo2/image-to-video",
            {"prompt": "x", "image_url": "u"},
            (1000, 900),
            (1280, 720, 24, 120),
        ),
        (
            "veo2/image-to-video",
            {"prompt": "x", "image_url": "u", "aspect_ratio": "9:16"},
            (640, 480),
            (720, 1280, 24, 120),
        ),
    ],
)
def test_output_shape_follows_the_model_and_request(
    model: str, body: dict[str, Any], image: tuple[int, int] | None, expected: tuple
) -> None:
    assert shape(model, body, image) == expected


def test_sizes_that_follow_an_image_are_even() -> None:
    assert fit_short_side((1001, 333), 720) == (2164, 720)
    assert all(v % 2 == 0 for v in fit_short_side((777, 1333), 1080))


def test_price_is_flat_plus_per_second_of_requested_video() -> None:
    kling = CATALOGUE.get("kling-video/v1/pro/text-to-video")
    assert kling is not None
    assert price_of(kling, {"duration": "5"}) == 245
    assert price_of(kling, {"duration": "10"}) == 490
    assert price_of(kling, {"duration": "5"}, PriceRule(per_video=1, per_second=3)) == 16
    minimax = CATALOGUE.get("video-01")
    assert minimax is not None and price_of(minimax, {}) == 430
