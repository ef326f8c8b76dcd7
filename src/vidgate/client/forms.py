"""Create bodies: JSON when there is no file, multipart when an image is uploaded.

Multipart fields follow the encoding the server decodes (``api/openai/forms.py``) and the
OpenAI SDK sends: ``k[a]`` for mappings, ``k[]`` for sequences, ``true``/``false`` for
booleans, numbers as text, ``None`` left out.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TypeAlias

from vidgate.client.types.input_reference import InputReference
from vidgate.client.types.param_value import ParamValue

Json: TypeAlias = "str | int | float | bool | list[Json] | dict[str, Json] | None"
FilePart: TypeAlias = tuple[str | None, bytes, str | None]
URL_SCHEMES = ("https://", "http://", "data:")


def form_fields(params: Mapping[str, ParamValue]) -> list[tuple[str, str]]:
    """``{"a": {"b": [1, True]}}`` → ``[("a[b][]", "1"), ("a[b][]", "true")]``."""
    return [pair for name, value in params.items() for pair in _flatten(name, value)]


def _flatten(name: str, value: ParamValue) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if isinstance(value, bool):
        yield name, "true" if value else "false"
    elif isinstance(value, str | int | float):
        yield name, str(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _flatten(f"{name}[{key}]", item)
    else:
        for item in value:
            yield from _flatten(f"{name}[]", item)


def to_json(value: ParamValue) -> Json:
    """Mappings and sequences of any kind as plain dicts and lists."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    return [to_json(item) for item in value]


def is_url(reference: str) -> bool:
    return reference.startswith(URL_SCHEMES)


def file_part(reference: InputReference) -> FilePart:
    """An uploaded image as ``(filename, bytes, content type)``; the server also sniffs the
    bytes, so an unknown type is sent as ``application/octet-stream``."""
    if isinstance(reference, str):
        raise ValueError(
            f"input_reference {reference[:40]!r} is not an http(s) or data: URL; "
            "pass a pathlib.Path to upload a file"
        )
    if isinstance(reference, Path):
        return reference.name, reference.read_bytes(), _guess(reference.name)
    if isinstance(reference, bytes):
        return "upload", reference, "application/octet-stream"
    if isinstance(reference, tuple):
        name, data, content_type = reference
        return name, data, content_type or _guess(name)
    name = Path(str(getattr(reference, "name", "upload"))).name
    return name, reference.read(), _guess(name)


def multipart(fields: Mapping[str, ParamValue], upload: FilePart) -> list[tuple[str, FilePart]]:
    """Text parts (in order, as parts without a filename) and then the file part."""
    parts: list[tuple[str, FilePart]] = [
        (name, (None, text.encode(), None)) for name, text in form_fields(fields)
    ]
    return [*parts, ("input_reference", upload)]


def _guess(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
