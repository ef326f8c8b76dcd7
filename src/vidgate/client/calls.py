"""Each endpoint of /v1/videos as a ``Call``: a request described as data, built once per
logical call and sent as is on every retry of it (the create's ``Idempotency-Key`` too)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from vidgate.client import forms
from vidgate.client.types.input_reference import InputReference
from vidgate.client.types.param_value import ParamValue

Variant = Literal["video", "thumbnail", "spritesheet"]
Order = Literal["asc", "desc"]


@dataclass(frozen=True, slots=True)
class Call:
    method: Literal["GET", "POST", "DELETE"]
    path: str
    params: dict[str, str] = field(default_factory=dict)
    json: forms.Json | None = None
    files: list[tuple[str, forms.FilePart]] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def new_idempotency_key() -> str:
    return f"vidgate-sdk-{uuid.uuid4().hex}"


def create_call(
    model: str,
    prompt: str,
    params: Mapping[str, ParamValue],
    input_reference: InputReference | None,
    idempotency_key: str | None,
) -> Call:
    """``POST /v1/videos``: JSON, or multipart when ``input_reference`` is a file."""
    fields: dict[str, ParamValue] = {"model": model, "prompt": prompt, **params}
    headers = {"Idempotency-Key": idempotency_key or new_idempotency_key()}
    if isinstance(input_reference, str) and forms.is_url(input_reference):
        fields["input_reference"] = {"image_url": input_reference}
    elif input_reference is not None:
        parts = forms.multipart(fields, forms.file_part(input_reference))
        return Call("POST", "/v1/videos", files=parts, headers=headers)
    return Call("POST", "/v1/videos", json=forms.to_json(fields), headers=headers)


def retrieve_call(video_id: str) -> Call:
    return Call("GET", _video_path(video_id))


def list_call(after: str | None, limit: int | None, order: Order | None) -> Call:
    query = {"after": after, "limit": None if limit is None else str(limit), "order": order}
    return Call("GET", "/v1/videos", params={k: v for k, v in query.items() if v is not None})


def cancel_call(video_id: str) -> Call:
    return Call("POST", _video_path(video_id) + "/cancel")


def delete_call(video_id: str) -> Call:
    return Call("DELETE", _video_path(video_id))


def content_call(video_id: str, variant: Variant) -> Call:
    return Call(
        "GET",
        _video_path(video_id) + "/content",
        params={"variant": variant},
        headers={"Accept": "*/*"},
    )


def _video_path(video_id: str) -> str:
    if not video_id:
        raise ValueError("video_id must not be empty")
    return "/v1/videos/" + quote(video_id, safe="")
