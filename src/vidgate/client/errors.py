"""The SDK's one error tree; httpx's errors and error responses are translated here only.

    VidgateClientError
    ├── APIError                          talking to the server went wrong
    │   ├── APIConnectionError            no answer: refused, reset, dropped
    │   │   └── APITimeoutError           no answer in time
    │   ├── APIResponseValidationError    an answer that is not the documented shape
    │   └── APIStatusError                a 4xx/5xx answer (status_code, request_id, body)
    │       ├── BadRequestError                 400
    │       ├── AuthenticationError             401
    │       ├── InsufficientCreditsError        402
    │       ├── PermissionDeniedError           403
    │       ├── NotFoundError                   404
    │       ├── ConflictError                   409
    │       ├── RateLimitError                  429
    │       └── InternalServerError             5xx
    │           └── ServiceUnavailableError     503
    └── WaitTimeout                       the video did not finish in the wait's time

Other 4xx statuses (413, 422, …) raise ``APIStatusError`` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from vidgate.client.types.video import Video

JsonBody = dict[str, object] | list[object] | str | int | float | bool | None


class VidgateClientError(Exception):
    """Base of every error the SDK raises."""


class APIError(VidgateClientError):
    def __init__(self, message: str, request: httpx.Request | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The request got no answer (connection refused, reset or dropped)."""


class APITimeoutError(APIConnectionError):
    """The request got no answer within the client's timeout."""


class APIResponseValidationError(APIError):
    """The server answered 2xx with a body that is not the documented shape."""

    def __init__(self, response: httpx.Response, detail: str) -> None:
        super().__init__(f"unexpected response body: {detail}", response.request)
        self.response = response


class APIStatusError(APIError):
    """The server answered with an error status. ``code``, ``message``, ``param`` and
    ``type`` come from the ``{"error": {…}}`` envelope when there is one."""

    def __init__(self, response: httpx.Response, body: JsonBody) -> None:
        error = _envelope(body)
        message = _text(error.get("message")) or (body if isinstance(body, str) else "")
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")
        self.body = body
        self.response = response
        self.code = _text(error.get("code"))
        self.param = _text(error.get("param"))
        self.type = _text(error.get("type"))
        super().__init__(message or response.reason_phrase, response.request)

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        param = f" ({self.param})" if self.param else ""
        request = f" [request {self.request_id}]" if self.request_id else ""
        return f"HTTP {self.status_code}{code}{param}: {self.message}{request}"


class BadRequestError(APIStatusError):
    """400: a field is missing, unknown or out of range (``param`` names it)."""


class AuthenticationError(APIStatusError):
    """401: no API key, or an unknown or revoked one."""


class InsufficientCreditsError(APIStatusError):
    """402: the generation costs more than the key's balance."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such video for this key, or its file is not ready yet."""


class ConflictError(APIStatusError):
    """409: an idempotency key reused with another body, or a state that forbids this."""


class RateLimitError(APIStatusError):
    """429: slow down (the SDK has already retried, honouring ``retry-after``)."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


class ServiceUnavailableError(InternalServerError):
    """503: nothing can serve the model right now."""


class WaitTimeout(VidgateClientError):
    """The video was still running when the wait's timeout ran out. The generation goes
    on; ``video`` is its last state seen."""

    def __init__(self, video: Video, timeout: float) -> None:
        super().__init__(
            f"video {video.id} still {video.status} ({video.progress}%) after {timeout:g} s; "
            "it goes on"
        )
        self.video = video
        self.timeout = timeout


BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def status_error(response: httpx.Response) -> APIStatusError:
    """The exception for an error response: its class named after the status, carrying the
    status code, the ``x-request-id`` and the body (JSON if it parses, else text)."""
    status = response.status_code
    fallback = InternalServerError if status >= 500 else APIStatusError
    return BY_STATUS.get(status, fallback)(response, _body(response))


def connection_error(error: httpx.TransportError) -> APIConnectionError:
    request = error.request if _has_request(error) else None
    target = f" ({request.method} {request.url})" if request is not None else ""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"no answer in time{target}: {error!r}", request)
    return APIConnectionError(f"no answer{target}: {error!r}", request)


def _body(response: httpx.Response) -> JsonBody:
    try:
        parsed: JsonBody = response.json()
    except ValueError:
        return response.text
    return parsed


def _envelope(body: JsonBody) -> dict[str, object]:
    if not isinstance(body, dict):
        return {}
    inner = body.get("error")
    return inner if isinstance(inner, dict) else body


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _has_request(error: httpx.TransportError) -> bool:
    try:
        error.request  # noqa: B018 - httpx raises RuntimeError when no request is attached
    except RuntimeError:
        return False
    return True
