"""AIML request fields → the body of Kling's create call. Pure functions.

Public ids read ``kling-video/<version>/<tier>/<kind>``: the version picks ``model_name``,
the tier picks ``mode`` and the kind picks the endpoint family (text2video / image2video),
which is also where the task must be polled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from vidgate.domain.catalogue import ModelSpec
from vidgate.domain.errors import UpstreamBadInput
from vidgate.engines.protocol import EngineJob

Family = Literal["text2video", "image2video"]

DEFAULT_MODEL_NAMES = {"v1": "kling-v1", "v1.6": "kling-v1-6"}
MODES = {"standard": "std", "pro": "pro"}
CAMERA_AXES = ("horizontal", "vertical", "pan", "tilt", "roll", "zoom")
EXCLUSIVE_GROUPS = (
    ("a tail image (tail_image_url)", ("image_tail",)),
    ("a motion brush (static_mask_url, dynamic_masks)", ("static_mask", "dynamic_masks")),
    ("camera control", ("camera_control",)),
)


def family_for(model: ModelSpec) -> Family:
    return "image2video" if "i2v" in model.kinds else "text2video"


def default_model_name(model_id: str) -> str:
    return _lookup(DEFAULT_MODEL_NAMES, _id_part(model_id, 1), model_id, "version")


def mode_for(model_id: str) -> str:
    return _lookup(MODES, _id_part(model_id, 2), model_id, "tier")


def build_request(job: EngineJob, *, model_name: str) -> dict[str, Any]:
    """The create body for ``job``; ``external_task_id`` is the vidgate job id."""
    params = job.params
    body: dict[str, Any] = {
        "model_name": model_name,
        "mode": mode_for(job.model.id),
        "duration": str(params.get("duration") or f"{job.model.output.default_duration:g}"),
        **_text_fields(params),
    }
    if family_for(job.model) == "text2video":
        body["aspect_ratio"] = str(params.get("aspect_ratio") or job.model.output.default_aspect)
    else:
        body |= image_fields(job)
    camera = camera_control(params)
    if camera is not None:
        body["camera_control"] = camera
    check_exclusive_groups(body)
    body["external_task_id"] = job.id
    return body


def camera_control(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """A preset name becomes ``{"type": preset}``; one axis move becomes a ``simple`` config."""
    preset = params.get("camera_control")
    advanced = params.get("advanced_camera_control")
    if preset and advanced:
        raise UpstreamBadInput(
            "kling takes one camera movement: give camera_control or advanced_camera_control, "
            "not both"
        )
    if advanced:
        config = dict.fromkeys(CAMERA_AXES, 0.0)
        config[str(advanced["movement_type"])] = float(advanced["movement_value"])
        return {"type": "simple", "config": config}
    if preset:
        return {"type": str(preset)}
    return None


def image_fields(job: EngineJob) -> dict[str, Any]:
    params = job.params
    fields: dict[str, Any] = {"image": image_reference(job, "image_url")}
    if params.get("tail_image_url"):
        fields["image_tail"] = image_reference(job, "tail_image_url")
    if params.get("static_mask_url"):
        fields["static_mask"] = image_reference(job, "static_mask_url")
    if params.get("dynamic_masks"):
        fields["dynamic_masks"] = _dynamic_masks(job, params["dynamic_masks"])
    return fields


def image_reference(job: EngineJob, field: str, original: object = None) -> str:
    """Raw base64 (Kling refuses a ``data:`` prefix); the caller's URL if no bytes are held."""
    image = job.images.get(field)
    if image is not None:
        return image.base64()
    url = job.params.get(field) if original is None else original
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return url
    raise UpstreamBadInput(f"kling: the image for {field} is missing from the job")


def check_exclusive_groups(body: Mapping[str, Any]) -> None:
    """Kling accepts at most one of: tail image, motion brush, camera control."""
    present = [name for name, keys in EXCLUSIVE_GROUPS if any(k in body for k in keys)]
    if len(present) > 1:
        raise UpstreamBadInput(
            f"kling image-to-video accepts only one of {', '.join(present)} per request"
        )


def _dynamic_masks(job: EngineJob, masks: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "mask": image_reference(job, f"dynamic_masks[{i}].mask_url", mask["mask_url"]),
            "trajectories": [
                {"x": int(p["x"]), "y": int(p["y"])} for p in mask.get("trajectories", [])
            ],
        }
        for i, mask in enumerate(masks)
    ]


def _text_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("prompt", "negative_prompt"):
        if params.get(name):
            fields[name] = str(params[name])
    if params.get("cfg_scale") is not None:
        fields["cfg_scale"] = float(params["cfg_scale"])
    return fields


def _id_part(model_id: str, index: int) -> str:
    parts = model_id.split("/")
    return parts[index] if len(parts) == 4 and parts[0] == "kling-video" else ""


def _lookup(table: Mapping[str, str], key: str, model_id: str, what: str) -> str:
    if key not in table:
        raise UpstreamBadInput(f"kling: no {what} mapping for model {model_id!r}")
    return table[key]
