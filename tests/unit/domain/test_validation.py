"""Per-model validation against the reference: fields, types, enums, ranges, lengths."""

from __future__ import annotations

from typing import Any

import pytest

from vidgate.domain.errors import InvalidRequest
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.validation import validate_params

CATALOGUE = seed_catalogue()


def check(model: str, body: dict[str, Any], *, unified: bool = False) -> dict[str, Any]:
    spec = CATALOGUE.get(model)
    assert spec is not None
    return validate_params(spec, body, unified=unified)


def refusal(model: str, body: dict[str, Any], *, unified: bool = False) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as caught:
        check(model, body, unified=unified)
    return caught.value


def test_the_catalogue_holds_the_15_seed_models() -> None:
    assert len(CATALOGUE) == 15
    assert sorted(CATALOGUE.vendors()) == ["alibaba", "google", "kling", "minimax", "runway"]


def test_defaults_are_filled_in_and_nulls_count_as_absent() -> None:
    params = check("kling-video/v1/pro/text-to-video", {"prompt": "x", "cfg_scale": None})
    assert params == {"prompt": "x", "duration": "5"}
    assert check("runway/gen4_turbo", {"image_url": "u"})["ratio"] == "16:9"


def test_values_are_coerced_to_the_documented_type_but_never_changed() -> None:
    assert (
        check("kling-video/v1/pro/text-to-video", {"prompt": "x", "duration": 10})["duration"]
        == "10"
    )
    assert check("gen3a_turbo", {"image_url": "u", "duration": "5"})["duration"] == 5
    assert check("veo2", {"prompt": "x", "duration": 8})["duration"] == "8"


def test_the_deprecated_ratio_field_becomes_aspect_ratio() -> None:
    params = check("kling-video/v1.6/pro/text-to-video", {"prompt": "x", "ratio": "9:16"})
    assert params["aspect_ratio"] == "9:16" and "ratio" not in params
    error = refusal(
        "kling-video/v1.6/pro/text-to-video",
        {"prompt": "x", "ratio": "9:16", "aspect_ratio": "1:1"},
    )
    assert error.field == "ratio"


def test_unknown_fields_are_named_with_the_allowed_list() -> None:
    error = refusal("veo2", {"prompt": "x", "seed": 3})
    assert error.field == "seed"
    assert error.allowed == ["model", "prompt", "aspect_ratio", "duration"]


def test_camera_control_exists_only_where_the_reference_has_it() -> None:
    assert (
        check(
            "kling-video/v1/standard/text-to-video", {"prompt": "x", "camera_control": "down_back"}
        )["camera_control"]
        == "down_back"
    )
    assert (
        refusal(
            "kling-video/v1/pro/text-to-video", {"prompt": "x", "camera_control": "down_back"}
        ).field
        == "camera_control"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {
                "prompt": "x",
                "advanced_camera_control": {"movement_type": "dolly", "movement_value": 1},
            },
            "advanced_camera_control.movement_type",
        ),
        (
            {"prompt": "x", "advanced_camera_control": {"movement_type": "zoom"}},
            "advanced_camera_control.movement_value",
        ),
        (
            {
                "prompt": "x",
                "advanced_camera_control": {"movement_type": "zoom", "movement_value": -11},
            },
            "advanced_camera_control.movement_value",
        ),
    ],
)
def test_nested_objects_are_checked_with_their_path(body: dict[str, Any], field: str) -> None:
    assert refusal("kling-video/v1/standard/text-to-video", body).field == field


def test_dynamic_masks_take_at_most_six_groups_of_points() -> None:
    mask = {"mask_url": "https://example.com/m.png", "trajectories": [{"x": 1, "y": 2}]}
    model = "kling-video/v1/standard/image-to-video"
    assert check(model, {"prompt": "x", "image_url": "u", "dynamic_masks": [mask] * 6})
    assert (
        refusal(model, {"prompt": "x", "image_url": "u", "dynamic_masks": [mask] * 7}).field
        == "dynamic_masks"
    )


def test_runway_prompt_length_counts_utf16_code_units() -> None:
    assert check("gen3a_turbo", {"image_url": "u", "prompt": "\U0001f600" * 256})
    error = refusal("gen3a_turbo", {"image_url": "u", "prompt": "\U0001f600" * 257})
    assert "514" in error.message and error.field == "prompt"
    assert refusal("gen3a_turbo", {"image_url": "u", "prompt": ""}).field == "prompt"


def test_booleans_are_strict() -> None:
    assert refusal("video-01", {"prompt": "x", "prompt_optimizer": 1}).field == "prompt_optimizer"


def test_the_unified_endpoint_maps_the_newer_aliases_and_refuses_both_forms() -> None:
    params = check(
        "video-01", {"prompt": "x", "image_url": "u", "enhance_prompt": False}, unified=True
    )
    assert params == {"prompt": "x", "first_frame_image": "u", "prompt_optimizer": False}
    both = refusal(
        "video-01", {"prompt": "x", "image_url": "u", "first_frame_image": "v"}, unified=True
    )
    assert both.field == "image_url"
    assert refusal("video-01", {"prompt": "x", "image_url": "u"}).field == "image_url"


def test_wan_bounds_the_knobs_the_reference_leaves_open() -> None:
    model = "wan/v2.1/1.3b/text-to-video"
    assert refusal(model, {"prompt": "x", "inference_steps": 0}).field == "inference_steps"
    assert refusal(model, {"prompt": "x", "seed": -1}).field == "seed"
    assert refusal(model, {"prompt": "x", "sampler": "euler"}).allowed == ["unipc", "dpm+"]


def test_unbounded_text_is_still_bounded() -> None:
    assert refusal("veo2", {"prompt": "x" * 10_001}).field == "prompt"


def test_model_lookup_names_the_right_vendor_path() -> None:
    with pytest.raises(InvalidRequest) as caught:
        CATALOGUE.resolve("veo2", vendor="kling")
    assert "/v2/generate/video/google/generation" in caught.value.message
    with pytest.raises(InvalidRequest) as unknown:
        CATALOGUE.resolve("veo3")
    assert unknown.value.allowed == CATALOGUE.ids
