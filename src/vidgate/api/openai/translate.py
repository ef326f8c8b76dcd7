"""OpenAI create fields → the catalogue model and its AIML-shaped request body.

``seconds`` becomes the model's duration field, ``size`` its aspect-ratio field,
``input_reference`` its first-frame image field; every other field is passed as a model
parameter, so the model's own validation names anything it does not take.
"""

from __future__ import annotations

import base64
from typing import Any

from vidgate.api.openai.forms import CreateFields, Upload
from vidgate.domain.catalogue import Catalogue, ModelSpec
from vidgate.domain.errors import InvalidRequest

EXTENSION_FIELDS = ("callback_url",)


def to_generation(catalogue: Catalogue, create: CreateFields) -> tuple[ModelSpec, dict[str, Any]]:
    fields = dict(create.fields)
    spec = catalogue.resolve(fields.pop("model", None))
    for name in EXTENSION_FIELDS:
        fields.pop(name, None)
    body: dict[str, Any] = {"model": spec.id}
    seconds = fields.pop("seconds", None)
    size = fields.pop("size", None)
    reference = fields.pop("input_reference", None)
    if create.form:
        fields = {name: _from_form(spec, name, value) for name, value in fields.items()}
    body.update(fields)
    if seconds is not None:
        _apply_seconds(spec, body, seconds)
    if size is not None:
        _apply_size(spec, body, str(size))
    image = _image_reference(create.upload, reference)
    if image is not None:
        body[_first_frame_field(spec)] = image
    return spec, body


def _apply_seconds(spec: ModelSpec, body: dict[str, Any], seconds: Any) -> None:
    allowed = [_number_text(d) for d in spec.output.durations]
    text = _number_text(seconds)
    if text not in allowed:
        raise InvalidRequest(
            f"seconds: model {spec.id!r} makes clips of {', '.join(allowed)} seconds; "
            f"got {seconds!r}",
            field="seconds",
            allowed=allowed,
        )
    if spec.duration_param is not None:
        body[spec.duration_param] = text


def _apply_size(spec: ModelSpec, body: dict[str, Any], size: str) -> None:
    sizes = {f"{w}x{h}": aspect for aspect, (w, h) in spec.output.sizes.items()}
    aspect_param = spec.aspect_param
    settable = aspect_param is not None and not spec.params[aspect_param].deprecated
    if size in sizes and (settable or len(sizes) == 1):
        if settable and aspect_param is not None:
            body[aspect_param] = sizes[size]
        return
    allowed = list(sizes) if settable else []
    hint = (
        f"allowed: {', '.join(allowed)}"
        if allowed
        else "its size follows the input image; leave size out"
    )
    raise InvalidRequest(
        f"size: model {spec.id!r} cannot make {size!r}; {hint}",
        field="size",
        allowed=allowed or None,
    )


def _image_reference(upload: Upload | None, reference: Any) -> str | None:
    if upload is not None:
        encoded = base64.b64encode(upload.data).decode("ascii")
        return f"data:{upload.content_type or 'application/octet-stream'};base64,{encoded}"
    if reference is None:
        return None
    if isinstance(reference, str):
        return reference
    if isinstance(reference, dict):
        if "file_id" in reference:
            raise InvalidRequest(
                "input_reference.file_id: uploaded files are not supported; send the image "
                'as a file part or as {"image_url": "https://… or data:…"}',
                field="input_reference.file_id",
            )
        url = reference.get("image_url")
        if isinstance(url, str) and url:
            return url
    raise InvalidRequest(
        "input_reference: expected a file, or an object with image_url", field="input_reference"
    )


def _first_frame_field(spec: ModelSpec) -> str:
    for name, param in spec.params.items():
        if param.image_role == "first_frame":
            return name
    raise InvalidRequest(
        f"input_reference: model {spec.id!r} is text-to-video and takes no image",
        field="input_reference",
    )


def _from_form(spec: ModelSpec, name: str, value: Any) -> Any:
    """Form parts are text: give booleans and numbers the type the model documents."""
    param = spec.params.get(name)
    if param is None or not isinstance(value, str):
        return value
    if param.type == "boolean" and value in ("true", "false"):
        return value == "true"
    if param.type in ("integer", "number") and param.enum is None:
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if param.type == "integer" and number.is_integer() else number
    return value


def _number_text(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(number)
