"""What MiniMax's create call refuses, as (code, message) pairs. Pure functions.

The fake reads images given as data URLs; an http(s) URL is accepted without fetching it.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Mapping
from typing import Any

from PIL import Image, UnidentifiedImageError

INVALID_PARAMS = 2013
MAX_PROMPT = 2000
MAX_IMAGE_BYTES = 20 * 1024 * 1024
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# 01-series models: fixed 6 s / 720P, no duration or resolution field.
SERIES_01 = frozenset(
    {
        "video-01",
        "video-01-live2d",
        "T2V-01",
        "T2V-01-Director",
        "I2V-01",
        "I2V-01-Director",
        "I2V-01-live",
        "S2V-01",
    }
)
NEWER = frozenset({"MiniMax-Hailuo-02", "MiniMax-Hailuo-2.3", "MiniMax-Hailuo-2.3-Fast"})
# video-01-live2d is the legacy name of I2V-01-live, which needs a first frame.
NEEDS_IMAGE = frozenset({"I2V-01", "I2V-01-Director", "I2V-01-live", "video-01-live2d"})
TEXT_ONLY = frozenset({"T2V-01", "T2V-01-Director", "S2V-01"})

Refusal = tuple[int, str]


def check_create(body: Mapping[str, Any]) -> Refusal | None:
    model = body.get("model")
    if model not in SERIES_01 | NEWER:
        return _invalid(f"model {model!r} is not supported")
    for check in (_check_fields, _check_prompt, _check_image_presence):
        refusal = check(str(model), body)
        if refusal is not None:
            return refusal
    image = body.get("first_frame_image")
    return None if image is None else check_image(image)


def check_image(value: object) -> Refusal | None:
    if not isinstance(value, str):
        return _invalid("first_frame_image must be a string")
    if value.startswith(("https://", "http://")):
        return None
    if not value.startswith("data:image/") or ";base64," not in value:
        return _invalid("first_frame_image must be a URL or a base64 data URL")
    try:
        data = base64.b64decode(value.partition(",")[2], validate=True)
        with Image.open(io.BytesIO(data)) as image:
            fmt, (width, height) = image.format, image.size
    except (binascii.Error, UnidentifiedImageError):
        return _invalid("first_frame_image is not a readable image")
    return _check_image_facts(fmt, width, height, len(data))


def _check_image_facts(fmt: str | None, width: int, height: int, size: int) -> Refusal | None:
    if fmt not in IMAGE_FORMATS:
        return _invalid(f"image format {fmt} is not supported")
    if size >= MAX_IMAGE_BYTES:
        return _invalid("image must be under 20MB")
    if min(width, height) <= 300:
        return _invalid("image short side must be over 300px")
    if not 2 / 5 < width / height < 5 / 2:
        return _invalid("image aspect ratio must be between 2:5 and 5:2")
    return None


def _check_fields(model: str, body: Mapping[str, Any]) -> Refusal | None:
    if model in SERIES_01 and ("duration" in body or "resolution" in body):
        return _invalid(f"{model} does not support duration or resolution")
    if "callback_url" in body:
        # The real service POSTs a challenge first; the fake never gets it echoed.
        return _invalid("callback_url did not answer the challenge in time")
    if "prompt_optimizer" in body and not isinstance(body["prompt_optimizer"], bool):
        return _invalid("prompt_optimizer must be a boolean")
    return None


def _check_prompt(model: str, body: Mapping[str, Any]) -> Refusal | None:
    prompt = body.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        return _invalid("prompt must be a string")
    if prompt is not None and len(prompt) > MAX_PROMPT:
        return _invalid("prompt exceeds 2000 characters")
    if not prompt and "first_frame_image" not in body and model not in NEEDS_IMAGE:
        return _invalid("prompt is required for text-to-video")
    return None


def _check_image_presence(model: str, body: Mapping[str, Any]) -> Refusal | None:
    if model in NEEDS_IMAGE and not body.get("first_frame_image"):
        return _invalid(f"{model} requires first_frame_image")
    if model in TEXT_ONLY and "first_frame_image" in body:
        return _invalid(f"{model} does not accept first_frame_image")
    return None


def _invalid(message: str) -> Refusal:
    return INVALID_PARAMS, f"invalid params, {message}"
