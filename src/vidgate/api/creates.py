"""Creates dispatched straight to their route functions, before FastAPI routes them.

A create's own work (validation, pricing, one durable insert) is a fraction of a
millisecond; FastAPI's routing, middleware layers and endpoint machinery added about a
third again (docs/benchmarks.md, "Hot path"). The create routes take nothing but the
request, so this middleware calls the very same functions with a plain Starlette request
and renders their errors with the app's own renderers, exactly as FastAPI's handler would.
Any other request, and a multipart ``/v1/videos`` (which FastAPI parses), goes on to the app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from vidgate.api.aiml import routes as aiml_routes
from vidgate.api.errors import ErrorRenderers, status_of
from vidgate.api.openai import routes as openai_routes
from vidgate.domain.errors import VidgateError

Route = Callable[[Request], Awaitable[Response]]

_AIML_VENDOR = ("/v2/generate/video/", "/generation")
_ROUTES: dict[str, Route] = {
    "/v2/video/generations": aiml_routes.create_unified,
    "/v1/videos": openai_routes.create_video,
    "/videos": openai_routes.create_video,
}


class CreateShortcut:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = _route_of(scope) if scope["type"] == "http" and scope["method"] == "POST" else None
        if route is None or scope["app"].state.vidgate is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await route(request)
        except VidgateError as error:
            renderers: ErrorRenderers = scope["app"].state.error_renderers
            response = renderers.render(request, error, status_of(error))
        await response(scope, receive, send)


def _route_of(scope: Scope) -> Route | None:
    path: str = scope["path"]
    route = _ROUTES.get(path)
    if route is openai_routes.create_video and _is_form(scope):
        return None
    if route is None:
        prefix, suffix = _AIML_VENDOR
        if path.startswith(prefix) and path.endswith(suffix):
            vendor = path[len(prefix) : -len(suffix)]
            if vendor and "/" not in vendor:
                return lambda request: aiml_routes.create_on_vendor_path(vendor, request)
    return route


def _is_form(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.startswith((b"multipart/", b"application/x-www-form-urlencoded")))
    return False
