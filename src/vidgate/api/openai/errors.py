"""The OpenAI error envelope, and when the SDK must not retry."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from vidgate.api.errors import json_response
from vidgate.domain.errors import InvalidRequest, RateLimited, VidgateError

TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "insufficient_quota",
    403: "permission_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


def render_openai(request: Request, error: VidgateError, status: int) -> Response:
    param = error.field if isinstance(error, InvalidRequest) else None
    body = {
        "error": {
            "message": error.message,
            "type": TYPES.get(status, "server_error"),
            "param": param,
            "code": error.name,
        }
    }
    headers: dict[str, str] = {}
    if request.method == "POST" and (status >= 500 or status == 409):
        # The SDK retries 409 and 5xx by default; a create may already have started a paid
        # job, and a cancel or a conflict will not change on a retry.
        headers["x-should-retry"] = "false"
    if isinstance(error, RateLimited) and error.retry_after is not None:
        headers["retry-after"] = str(int(error.retry_after) + 1)
    if status == 401:
        headers["www-authenticate"] = "Bearer"
    return json_response(body, status, headers)
