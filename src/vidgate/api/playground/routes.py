"""``GET /playground``: one HTML page, one JS module and one stylesheet, under a strict CSP.

The files are fixed and few, so they are served from an allow-list rather than a
``StaticFiles`` mount (``include_router`` does not carry mounts, and an allow-list cannot
serve anything else that ends up in the folder).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, RedirectResponse, Response

from vidgate.api.context import ApiContext
from vidgate.api.errors import render_aiml
from vidgate.domain.errors import NotFound

router = APIRouter()

STATIC = Path(__file__).parent / "static"
ASSETS = {
    "playground.js": "text/javascript; charset=utf-8",
    "playground.css": "text/css; charset=utf-8",
}


@router.get("/playground", include_in_schema=False)
async def playground_page(request: Request) -> Response:
    return _static("index.html", "text/html; charset=utf-8", request)


@router.get("/playground/", include_in_schema=False)
async def playground_slash() -> Response:
    return RedirectResponse("/playground", status_code=308)


@router.get("/playground/{name}", include_in_schema=False)
async def playground_asset(name: str, request: Request) -> Response:
    media_type = ASSETS.get(name)
    if media_type is None:
        return render_aiml(request, NotFound(f"no playground file {name!r}"), 404)
    return _static(name, media_type, request)


def _static(name: str, media_type: str, request: Request) -> Response:
    return FileResponse(STATIC / name, media_type=media_type, headers=_headers(request))


def _headers(request: Request) -> dict[str, str]:
    return {
        "content-security-policy": content_security_policy(_public_origin(request)),
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
    }


def content_security_policy(public_origin: str | None = None) -> str:
    """Only this server: scripts, styles, API calls and videos. Images may also be
    ``data:``/``blob:`` (the preview of a picked file). ``public_origin`` is the server's
    configured public URL, where signed video links point; it is "self" too when the page
    is opened under another name (``localhost`` for ``127.0.0.1``)."""
    media = " ".join(["'self'", "blob:", *([public_origin] if public_origin else [])])
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data: blob:",
            f"media-src {media}",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def _public_origin(request: Request) -> str | None:
    """The origin of the signed links this server hands out (read off one such link)."""
    context: ApiContext | None = request.app.state.vidgate
    if context is None:
        return None
    parts = urlsplit(context.urls.url_for("playground"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
