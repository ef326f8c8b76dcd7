"""The 15 models of the seed, with the request fields of the AIML API reference (April 2025).

Output shapes follow the vendors' published capability tables (see docs/catalogue.md);
prices are in vidgate credits (1 credit = USD 0.001 of list price, rounded) and can be
overridden by the operator's pricing file.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from vidgate.domain.catalogue import (
    Catalogue,
    ImageRule,
    Kind,
    ModelSpec,
    OutputProfile,
    Param,
    PriceRule,
)

MB = 1024 * 1024


class CameraMove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    movement_type: Literal["horizontal", "vertical", "pan", "tilt", "roll", "zoom"]
    movement_value: int = Field(ge=-10, le=10)


class TrajectoryPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: int
    y: int


class DynamicMask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mask_url: str
    trajectories: list[TrajectoryPoint] = Field(default_factory=list, max_length=77)


# Kling accepts at most six mask groups, each with up to 77 trajectory points.
DynamicMasks = Annotated[list[DynamicMask], Field(min_length=1, max_length=6)]


KLING_IMAGE = ImageRule(max_bytes=10 * MB, min_side=300, min_aspect=1 / 2.5, max_aspect=2.5)
KLING_TAIL = ImageRule(max_bytes=10 * MB, min_side=300)
KLING_MASK = ImageRule(max_bytes=10 * MB)
MINIMAX_IMAGE = ImageRule(
    max_bytes=20 * MB, min_side=301, min_aspect=2 / 5, max_aspect=5 / 2, aspect_inclusive=False
)
RUNWAY_IMAGE = ImageRule(
    formats=frozenset({"JPEG", "PNG", "WEBP"}),
    max_bytes=16 * MB,
    max_data_uri_chars=5 * MB,
    max_side=8000,
    min_aspect=0.5,
    max_aspect=2.0,
)
VEO_IMAGE = ImageRule(formats=frozenset({"JPEG", "PNG"}), max_bytes=20 * MB)


STRING = Param("string")
ASPECT_3 = ("16:9", "9:16", "1:1")


def _kling_common(aspect_deprecated: bool) -> dict[str, Param]:
    return {
        "prompt": Param("string", max_length=2500),
        "ratio": Param("string", enum=ASPECT_3, deprecated=True, alias_of="aspect_ratio"),
        "aspect_ratio": Param("string", enum=ASPECT_3, deprecated=aspect_deprecated),
        "duration": Param("string", enum=("5", "10"), default="5"),
        "negative_prompt": Param("string", max_length=2500),
        "cfg_scale": Param("number", minimum=0, maximum=1),
    }


def _kling_image_params(*, tail: bool, masks: bool) -> dict[str, Param]:
    params = {
        "image_url": Param("string", image=KLING_IMAGE, image_role="first_frame"),
    }
    if tail:
        params["tail_image_url"] = Param("string", image=KLING_TAIL, image_role="last_frame")
    if masks:
        params["static_mask_url"] = Param("string", image=KLING_MASK, image_role="mask")
        params["dynamic_masks"] = Param(
            "array",
            schema=DynamicMasks,
            image=KLING_MASK,
            image_role="mask",
            item_image_field="mask_url",
        )
    return params


def _kling_output(*, fps: float, short_side: int, follows_image: bool) -> OutputProfile:
    long_side = short_side * 16 // 9
    return OutputProfile(
        fps=fps,
        sizes={
            "16:9": (long_side, short_side),
            "9:16": (short_side, long_side),
            "1:1": (short_side, short_side),
        },
        default_aspect="16:9",
        durations=(5, 10),
        default_duration=5,
        follows_image=follows_image,
        short_side=short_side,
    )


def _kling(version: str, tier: str, kind: Kind, **image_opts: bool) -> ModelSpec:
    i2v = kind == "i2v"
    hd = version == "v1.6" and tier == "pro"
    fps = 24.0 if (version == "v1.6" and not i2v) else 30.0
    params = _kling_common(aspect_deprecated=i2v)
    if i2v:
        params |= _kling_image_params(**image_opts)
    elif version == "v1" and tier == "standard":
        params["camera_control"] = Param(
            "string", enum=("down_back", "forward_up", "right_turn_forward", "left_turn_forward")
        )
        params["advanced_camera_control"] = Param("object", schema=CameraMove)
    name = "image-to-video" if i2v else "text-to-video"
    return ModelSpec(
        id=f"kling-video/{version}/{tier}/{name}",
        developer="Kling AI",
        vendor="kling",
        kinds=(kind,),
        required=("image_url", "prompt") if i2v else ("prompt",),
        params=params,
        output=_kling_output(fps=fps, short_side=1080 if hd else 720, follows_image=i2v),
        price=PriceRule(per_second=49 if tier == "pro" else 28),
        duration_param="duration",
        aspect_param="aspect_ratio",
        description=f"Kling {version} {tier} {name}",
    )


def _minimax(model_id: str, description: str) -> ModelSpec:
    return ModelSpec(
        id=model_id,
        developer="MiniMax",
        vendor="minimax",
        kinds=("t2v", "i2v"),
        required=("prompt",),
        params={
            "prompt": Param("string", max_length=2000),
            "prompt_optimizer": Param("boolean", default=True),
            "first_frame_image": Param(
                "string",
                image=MINIMAX_IMAGE,
                image_role="first_frame",
                note="an image URL or a base64 data URI; JPG/JPEG/PNG; aspect ratio between "
                "2:5 and 5:2; shorter side over 300 px; at most 20 MB",
            ),
        },
        output=OutputProfile(
            fps=25,
            sizes={"16:9": (1280, 720)},
            default_aspect="16:9",
            durations=(6,),
            default_duration=6,
            follows_image=True,
            short_side=720,
        ),
        price=PriceRule(per_video=430),
        unified_aliases={"image_url": "first_frame_image", "enhance_prompt": "prompt_optimizer"},
        description=description,
    )


def _runway(
    model_id: str, *, max_prompt: int, ratios: dict[str, tuple[int, int]], tail: bool
) -> ModelSpec:
    params = {
        "prompt": Param(
            "string",
            max_length=max_prompt,
            utf16_length=True,
            non_empty=True,
            note="non-empty, length counted in UTF-16 code units",
        ),
        "image_url": Param(
            "string",
            image=RUNWAY_IMAGE,
            image_role="first_frame",
            note="an https URL or a data URI holding the encoded first frame",
        ),
        "duration": Param("number", enum=(5, 10), default=10),
        "ratio": Param("string", enum=tuple(ratios), default="16:9"),
        "seed": Param("integer", minimum=0, maximum=4294967295),
        "watermark": Param("boolean"),
    }
    if tail:
        params["last_image_url"] = Param("string", image=RUNWAY_IMAGE, image_role="last_frame")
    return ModelSpec(
        id=model_id,
        developer="Runway",
        vendor="runway",
        kinds=("i2v",),
        required=("image_url",),
        params=params,
        output=OutputProfile(
            fps=24, sizes=ratios, default_aspect="16:9", durations=(5, 10), default_duration=10
        ),
        price=PriceRule(per_second=50),
        duration_param="duration",
        aspect_param="ratio",
    )


def _veo(model_id: str, kind: Kind) -> ModelSpec:
    i2v = kind == "i2v"
    aspects: tuple[str, ...] = ("auto", "16:9", "9:16") if i2v else ("16:9", "9:16")
    params = {
        "prompt": STRING,
        "aspect_ratio": Param("string", enum=aspects),
        "duration": Param("string", enum=("5", "6", "7", "8"), default="5"),
    }
    if i2v:
        params["image_url"] = Param(
            "string", image=VEO_IMAGE, image_role="first_frame", note="720p or larger recommended"
        )
    return ModelSpec(
        id=model_id,
        developer="Google",
        vendor="google",
        kinds=(kind,),
        required=("prompt", "image_url") if i2v else ("prompt",),
        params=params,
        output=OutputProfile(
            fps=24,
            sizes={"16:9": (1280, 720), "9:16": (720, 1280)},
            default_aspect="16:9",
            durations=(5, 6, 7, 8),
            default_duration=5,
            follows_image=i2v,
            short_side=720,
            orientation_only=True,
        ),
        price=PriceRule(per_second=500),
        duration_param="duration",
        aspect_param="aspect_ratio",
    )


WAN_T2V = ModelSpec(
    id="wan/v2.1/1.3b/text-to-video",
    developer="Alibaba Cloud",
    vendor="alibaba",
    kinds=("t2v",),
    required=("prompt",),
    params={
        "prompt": STRING,
        "negative_prompt": STRING,
        "seed": Param("integer", minimum=0, maximum=2147483647),
        "aspect_ratio": Param("string", enum=("9:16", "16:9"), default="16:9"),
        "inference_steps": Param("integer", default=30, minimum=1, maximum=100),
        "guidance_scale": Param("number", default=5, minimum=0, maximum=20),
        "shift": Param("number", default=5, minimum=0, maximum=20),
        "sampler": Param("string", enum=("unipc", "dpm+"), default="unipc"),
        "enable_safety_checker": Param("boolean"),
        "enable_prompt_expansion": Param("boolean"),
    },
    output=OutputProfile(
        fps=16,
        sizes={"16:9": (832, 480), "9:16": (480, 832)},
        default_aspect="16:9",
        durations=(5,),
        default_duration=5,
        fixed_frames=81,
    ),
    price=PriceRule(per_video=240),
    aspect_param="aspect_ratio",
)

GEN3A_RATIOS = {"16:9": (1280, 768), "9:16": (768, 1280)}
GEN4_RATIOS = {
    "16:9": (1280, 720),
    "9:16": (720, 1280),
    "4:3": (1104, 832),
    "3:4": (832, 1104),
    "1:1": (960, 960),
    "21:9": (1584, 672),
}


def seed_models() -> list[ModelSpec]:
    return [
        _kling("v1", "standard", "i2v", tail=True, masks=True),
        _kling("v1", "standard", "t2v"),
        _kling("v1", "pro", "i2v", tail=True, masks=True),
        _kling("v1", "pro", "t2v"),
        _kling("v1.6", "standard", "t2v"),
        _kling("v1.6", "standard", "i2v", tail=False, masks=False),
        _kling("v1.6", "pro", "i2v", tail=True, masks=False),
        _kling("v1.6", "pro", "t2v"),
        _minimax("video-01", "MiniMax Video-01 (Hailuo)"),
        _minimax("video-01-live2d", "MiniMax Video-01 Live2D"),
        _runway("gen3a_turbo", max_prompt=512, ratios=GEN3A_RATIOS, tail=True),
        _runway("runway/gen4_turbo", max_prompt=1000, ratios=GEN4_RATIOS, tail=False),
        WAN_T2V,
        _veo("veo2", "t2v"),
        _veo("veo2/image-to-video", "i2v"),
    ]


def seed_catalogue() -> Catalogue:
    return Catalogue(seed_models())
