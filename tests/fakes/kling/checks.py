"""The create-body checks Kling applies (v1-era docs); each problem is a 400 / 1201 message.

Stricter than Kling in one respect: unknown fields are refused, so an engine that sends a
field the family does not have (e.g. ``aspect_ratio`` on image2video) is caught in tests.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Mapping[str, Any]], str | None]

COMMON_FIELDS = frozenset(
    {
        "model_name",
        "model",
        "prompt",
        "negative_prompt",
        "cfg_scale",
        "mode",
        "camera_control",
        "duration",
        "callback_url",
        "external_task_id",
    }
)
FIELDS = {
    "text2video": COMMON_FIELDS | {"aspect_ratio"},
    "image2video": COMMON_FIELDS | {"image", "image_tail", "static_mask", "dynamic_masks"},
}
MODEL_NAMES = {
    "text2video": frozenset({"kling-v1", "kling-v1-6"}),
    "image2video": frozenset({"kling-v1", "kling-v1-5", "kling-v1-6"}),
}
ENUMS = {
    "mode": frozenset({"std", "pro"}),
    "aspect_ratio": frozenset({"16:9", "9:16", "1:1"}),
    "duration": frozenset({"5", "10"}),
}
CAMERA_TYPES = frozenset(
    {"simple", "down_back", "forward_up", "right_turn_forward", "left_turn_forward"}
)
CAMERA_AXES = ("horizontal", "vertical", "pan", "tilt", "roll", "zoom")
EXCLUSIVE = (("image_tail",), ("static_mask", "dynamic_masks"), ("camera_control",))
MAX_TEXT = 2500
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def check_create(family: str, body: Mapping[str, Any]) -> str | None:
    """The first problem with a create body, or None."""
    checks: list[Check] = [
        lambda b: _unknown_fields(family, b),
        lambda b: _model_name(family, b),
        *(_enum(name) for name in ("mode", "duration")),
        lambda b: _prompt(family, b),
        _cfg_scale,
        _camera_control,
        _external_task_id,
    ]
    if family == "text2video":
        checks.append(_enum("aspect_ratio"))
    else:
        checks += [_images, _dynamic_masks, _exclusive_groups]
    return next((problem for check in checks if (problem := check(body))), None)


def image_problem(name: str, value: object) -> str | None:
    """Kling takes a URL or raw base64 of a JPG/PNG; a ``data:`` prefix is an error."""
    if not isinstance(value, str) or not value:
        return f"{name} must be a non-empty string"
    if value.startswith("data:"):
        return f"{name} must be raw base64 without a 'data:' prefix"
    if value.startswith(("http://", "https://")):
        return None
    try:
        data = base64.b64decode(value, validate=True)
    except binascii.Error:
        return f"{name} is neither a URL nor valid base64"
    if not data.startswith(IMAGE_MAGIC):
        return f"{name} is not a JPG or PNG image"
    return None


def _unknown_fields(family: str, body: Mapping[str, Any]) -> str | None:
    unknown = sorted(set(body) - FIELDS[family])
    return f"unknown parameter(s) for {family}: {', '.join(unknown)}" if unknown else None


def _model_name(family: str, body: Mapping[str, Any]) -> str | None:
    name = body.get("model_name", body.get("model", "kling-v1")) or "kling-v1"
    return None if name in MODEL_NAMES[family] else f"model_name {name!r} is invalid"


def _enum(name: str) -> Check:
    def check(body: Mapping[str, Any]) -> str | None:
        if name not in body:
            return None
        value = body[name]
        if not isinstance(value, str):
            return f"{name} must be a string, got {type(value).__name__}"
        return None if value in ENUMS[name] else f"{name} {value!r} is invalid"

    return check


def _prompt(family: str, body: Mapping[str, Any]) -> str | None:
    for name in ("prompt", "negative_prompt"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
            return f"{name} must be a string of at most {MAX_TEXT} characters"
    if family == "text2video" and not body.get("prompt"):
        return "prompt is required"
    return None


def _cfg_scale(body: Mapping[str, Any]) -> str | None:
    value = body.get("cfg_scale")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return "cfg_scale must be a number between 0 and 1"
    return None


def _camera_control(body: Mapping[str, Any]) -> str | None:
    camera = body.get("camera_control")
    if camera is None:
        return None
    if not isinstance(camera, dict) or camera.get("type") not in CAMERA_TYPES:
        return "camera_control.type is invalid"
    config = camera.get("config")
    if camera["type"] != "simple":
        return None if config is None else "camera_control.config is only for type 'simple'"
    if not isinstance(config, dict) or set(config) - set(CAMERA_AXES):
        return "camera_control.config must hold horizontal, vertical, pan, tilt, roll, zoom"
    values = [config.get(axis, 0) for axis in CAMERA_AXES]
    if any(not isinstance(v, int | float) or not -10 <= v <= 10 for v in values):
        return "camera_control.config values must be numbers between -10 and 10"
    if sum(1 for v in values if v != 0) != 1:
        return "camera_control.config must move exactly one axis"
    return None


def _external_task_id(body: Mapping[str, Any]) -> str | None:
    value = body.get("external_task_id")
    return None if value is None or isinstance(value, str) else "external_task_id must be a string"


def _images(body: Mapping[str, Any]) -> str | None:
    if "image" not in body:
        return "image is required"
    for name in ("image", "image_tail", "static_mask"):
        if name in body and (problem := image_problem(name, body[name])):
            return problem
    return None


def _dynamic_masks(body: Mapping[str, Any]) -> str | None:
    masks = body.get("dynamic_masks")
    if masks is None:
        return None
    if not isinstance(masks, list) or not 1 <= len(masks) <= 6:
        return "dynamic_masks must hold 1 to 6 groups"
    for index, group in enumerate(masks):
        if not isinstance(group, dict):
            return f"dynamic_masks[{index}] must be an object"
        if problem := image_problem(f"dynamic_masks[{index}].mask", group.get("mask")):
            return problem
        if problem := _trajectories(index, group.get("trajectories")):
            return problem
    return None


def _trajectories(index: int, points: object) -> str | None:
    if not isinstance(points, list) or not 2 <= len(points) <= 77:
        return f"dynamic_masks[{index}].trajectories must hold 2 to 77 points"
    for point in points:
        if not isinstance(point, dict) or not all(isinstance(point.get(k), int) for k in "xy"):
            return f"dynamic_masks[{index}].trajectories points must be {{x: int, y: int}}"
    return None


def _exclusive_groups(body: Mapping[str, Any]) -> str | None:
    groups = [keys for keys in EXCLUSIVE if any(k in body for k in keys)]
    if len(groups) > 1:
        return "image+image_tail, static_mask/dynamic_masks and camera_control are exclusive"
    return None
