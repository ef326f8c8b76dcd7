"""Reading request bodies: JSON objects, with a size limit."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request

from vidgate.domain.errors import InvalidRequest


async def json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        raise InvalidRequest("body: expected a JSON object, got an empty body", field="body")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"body: not valid JSON ({exc})", field="body") from None
    if not isinstance(value, dict):
        raise InvalidRequest("body: expected a JSON object", field="body")
    return value
