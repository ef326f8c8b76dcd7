"""Signed file URLs: verify, then serve from disk (with Range) or redirect to the store."""

from __future__ import annotations

import time
from pathlib import PurePosixPath
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, RedirectResponse, Response

from vidgate.api.context import api_context
from vidgate.api.errors import render_aiml
from vidgate.blobs.protocol import LocalFile
from vidgate.domain.errors import PermissionDenied
from vidgate.services.urls import FILES_PREFIX

router = APIRouter()

CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


@router.api_route("/files/{blob_key:path}", methods=["GET", "HEAD"])
async def signed_file(blob_key: str, request: Request) -> Response:
    context = api_context(request)
    expires = _signed_expiry(request, blob_key)
    if expires is None:
        error = PermissionDenied(
            "this file link is invalid or has expired; poll the generation again for a fresh link"
        )
        return render_aiml(request, error, 403)
    location = await context.blobs.locate(
        blob_key, expires_in=max(expires - int(time.time()), 60), filename=download_name(blob_key)
    )
    if not isinstance(location, LocalFile):
        return RedirectResponse(location.url, status_code=307)
    return FileResponse(
        location.path,
        media_type=CONTENT_TYPES.get(location.path.suffix, "application/octet-stream"),
        headers={"cache-control": "private, max-age=3600"},
        content_disposition_type="inline",
        filename=download_name(blob_key),
    )


def download_name(blob_key: str) -> str:
    """``outputs/video_123/video.mp4`` downloads as ``video_123.mp4``."""
    path = PurePosixPath(blob_key)
    return f"{path.parent.name}{path.suffix}" if path.parent.name else path.name


def _signed_expiry(request: Request, blob_key: str) -> int | None:
    expires = request.query_params.get("expires", "")
    signature = request.query_params.get("signature", "")
    if not expires.isdigit() or not signature:
        return None
    path = FILES_PREFIX + quote(blob_key)
    if not api_context(request).urls.verify(path, int(expires), signature):
        return None
    return int(expires)
