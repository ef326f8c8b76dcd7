"""Google's error envelope and the scenario's injected errors, shared by both surfaces."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.responses import JSONResponse

from tests.fakes.google.state import GoogleFake

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


def injected_error(fake: GoogleFake, stage: str) -> JSONResponse | None:
    """The scenario's error for this stage, while it has uses left."""
    injection = fake.take_injection(stage)
    if injection is None:
        return None
    return google_error(
        injection.http_status, injection.status, injection.message, injection.details
    )
