"""Google's error envelope and the fake's request log, shared by both surfaces."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from tests.fakes.google.state import GoogleFake, RecordedRequest

ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


def google_error(
    http_status: int, status: str, message: str, details: Iterable[dict[str, Any]] = ()
) -> JSONResponse:
    error: dict[str, Any] = {"code": http_status, "message": message, "status": status}
    listed = list(details)
    if listed:
        error["details"] = listed
    return JSONResponse({"error": error}, status_code=http_status)


def error_info(reason: str, service: str) -> dict[str, Any]:
    return {
        "@type": ERROR_INFO,
        "reason": reason,
        "domain": "googleapis.com",
        "metadata": {"service": service},
    }


async def record(fake: GoogleFake, request: Request) -> Any:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    fake.requests.append(
        RecordedRequest(
            request.method,
            request.url.path,
            dict(request.query_params),
            dict(request.headers),
            body,
        )
    )
    return body


def injected_error(fake: GoogleFake, stage: str) -> JSONResponse | None:
    """The scenario's error for this stage, while it has uses left."""
    injection = fake.take_injection(stage)
    if injection is None:
        return None
    return google_error(
        injection.http_status, injection.status, injection.message, injection.details
    )
