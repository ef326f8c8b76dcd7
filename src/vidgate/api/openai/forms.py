"""Reading a create request the way OpenAI clients send it: multipart (current SDKs) or JSON
(older SDKs, raw clients), with qs-style bracket keys (``a[b]``, ``a[]``) decoded."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import Request
from starlette.datastructures import UploadFile

from vidgate.api.body import json_object
from vidgate.domain.errors import InvalidRequest

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
FILE_FIELDS = ("input_reference",)


@dataclass(frozen=True, slots=True)
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None


@dataclass
class CreateFields:
    fields: dict[str, Any]
    upload: Upload | None = None
    form: bool = False
    fingerprint: bytes = field(default=b"")


async def read_create_fields(request: Request) -> CreateFields:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return await _read_form(request)
    fields = await json_object(request)
    return CreateFields(fields, None, False, orjson.dumps(fields, option=orjson.OPT_SORT_KEYS))


async def _read_form(request: Request) -> CreateFields:
    form = await request.form(max_files=2, max_fields=200)
    fields: dict[str, Any] = {}
    upload: Upload | None = None
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name not in FILE_FIELDS:
                    raise InvalidRequest(
                        f"{name}: files are only accepted as input_reference", field=name
                    )
                upload = Upload(await value.read(), value.filename, value.content_type)
            else:
                assign(fields, name, value)
    finally:
        await form.close()
    digest = hashlib.sha256(upload.data).hexdigest() if upload else ""
    fingerprint = orjson.dumps([fields, digest], option=orjson.OPT_SORT_KEYS)
    return CreateFields(fields, upload, True, fingerprint)


def assign(target: dict[str, Any], name: str, value: str) -> None:
    """Put ``value`` at the path ``name`` describes: ``k``, ``k[a]``, ``k[]``, ``k[][a]``."""
    head, _, rest = name.partition("[")
    keys = [head, *_SEGMENT.findall("[" + rest)] if rest else [head]
    node: Any = target
    for index, key in enumerate(keys):
        last = index == len(keys) - 1
        if isinstance(node, list):
            node = _list_slot(node, key, last, keys[index + 1 :] if not last else [], value)
            if node is None:
                return
            continue
        if last:
            node[key] = value
            return
        child_is_list = keys[index + 1] == ""
        node = node.setdefault(key, [] if child_is_list else {})


def _list_slot(node: list[Any], key: str, last: bool, rest: list[str], value: str) -> Any:
    if last:
        node.append(value)
        return None
    if not node or not isinstance(node[-1], dict) or rest[0] in node[-1]:
        node.append({})
    return node[-1]
