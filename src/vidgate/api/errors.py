"""The one place where the error tree meets HTTP: status codes and each dialect's envelope."""

from __future__ import annotations

import logging
from collections.abc import Callable

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from vidgate.domain.errors import (
    AuthenticationFailed,
    Conflict,
    InsufficientCredits,
    InvalidRequest,
    InvalidState,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    VidgateError,
)

log = logging.getLogger("vidgate.api")

STATUS: list[tuple[type[VidgateError], int]] = [
    (InvalidRequest, 400),
    (AuthenticationFailed, 401),
    (InsufficientCredits, 402),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidState, 409),
    (RateLimited, 429),
    (ServiceUnavailable, 503),
]

Renderer = Callable[[Request, VidgateError, int], Response]


def status_of(error: VidgateError) -> int:
    return next((code for cls, code in STATUS if isinstance(error, cls)), 500)


def json_response(
    payload: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload), status_code=status, headers=headers, media_type="application/json"
    )


def render_aiml(request: Request, error: VidgateError, status: int) -> Response:
    body: dict[str, object] = {"name": error.name, "message": error.message}
    if isinstance(error, InvalidRequest):
        if error.field is not None:
            body["field"] = error.field
        if error.allowed is not None:
            body["allowed"] = error.allowed
    if isinstance(error, InsufficientCredits):
        body["price"] = error.price
        body["balance"] = error.balance
    headers = {"www-authenticate": "Bearer"} if status == 401 else None
    return json_response({"error": body}, status, headers)


class ErrorRenderers:
    """Chooses the envelope by the path prefix a dialect registered."""

    def __init__(self) -> None:
        self._by_prefix: list[tuple[str, Renderer]] = []

    def register(self, prefix: str, renderer: Renderer) -> None:
        self._by_prefix.append((prefix, renderer))
        self._by_prefix.sort(key=lambda item: -len(item[0]))

    def render(self, request: Request, error: VidgateError, status: int) -> Response:
        path = request.url.path
        renderer = next((r for p, r in self._by_prefix if path.startswith(p)), render_aiml)
        return renderer(request, error, status)


def install_error_handlers(app: FastAPI, renderers: ErrorRenderers) -> None:
    async def on_vidgate_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, VidgateError)
        return renderers.render(request, exc, status_of(exc))

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(p) for p in first["loc"] if p not in ("body", "query", "path"))
        error = InvalidRequest(f"{field or 'body'}: {first['msg']}", field=field or None)
        return renderers.render(request, error, 400)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        error: VidgateError = (
            NotFound(f"no route {request.method} {request.url.path}")
            if exc.status_code == 404
            else VidgateError(str(exc.detail))
        )
        if exc.status_code == 405:
            error = InvalidRequest(f"method {request.method} is not allowed on {request.url.path}")
        return renderers.render(request, error, exc.status_code)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return renderers.render(request, VidgateError("internal error; see the server log"), 500)

    app.add_exception_handler(VidgateError, on_vidgate_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
