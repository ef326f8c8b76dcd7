"""/v1/videos: create, retrieve, list, delete, content, remix, cancel, events."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import FileResponse, RedirectResponse, Response

from vidgate.api.body import json_object
from vidgate.api.context import ApiContext, api_context, caller
from vidgate.api.errors import json_response
from vidgate.api.events import job_events
from vidgate.api.idempotency import idempotency
from vidgate.api.openai import views
from vidgate.api.openai.forms import CreateFields, read_create_fields
from vidgate.api.openai.translate import to_generation
from vidgate.api.waiting import requested_wait
from vidgate.blobs.protocol import LocalFile
from vidgate.domain.accounts import ApiKey
from vidgate.domain.errors import InvalidImage, InvalidRequest, InvalidState, NotFound
from vidgate.domain.jobs import Job
from vidgate.domain.validation import validate_params
from vidgate.services.generations import SubmitOptions

router = APIRouter()

VARIANTS = {
    "video": ("video/mp4", "mp4"),
    "thumbnail": ("image/webp", "webp"),
    "spritesheet": ("image/jpeg", "jpg"),
}
DELETE_WAIT_SECONDS = 10.0


@router.post("/videos")
async def create_video(request: Request) -> Response:
    key = await caller(request)
    context = api_context(request)
    fields = await read_create_fields(request)
    job = await _submit(context, key, fields, request)
    job = await _maybe_wait(context, job, request)
    return _video_response(context, job)


@router.get("/videos")
async def list_videos(
    request: Request,
    after: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    order: Literal["asc", "desc"] = "desc",
) -> Response:
    key = await caller(request)
    context = api_context(request)
    page = await context.generations.list(key, after=after, limit=limit, order=order)
    return json_response(views.page(page.jobs, context.generations.catalogue, page.has_more))


@router.get("/videos/{video_id}")
async def retrieve_video(video_id: str, request: Request) -> Response:
    key = await caller(request)
    context = api_context(request)
    job = await context.generations.get(key, video_id)
    job = await _maybe_wait(context, job, request)
    return _video_response(context, job)


@router.delete("/videos/{video_id}")
async def delete_video(video_id: str, request: Request) -> Response:
    """A finished video is deleted; a running one is cancelled first (up to 10 s)."""
    key = await caller(request)
    context = api_context(request)
    job = await context.generations.get(key, video_id)
    if not job.status.is_terminal:
        job = await context.generations.cancel(key, video_id)
        job = await context.watch.wait_until_done(job, DELETE_WAIT_SECONDS)
        if not job.status.is_terminal:
            raise InvalidState(
                f"video {video_id!r} is being cancelled; delete it once it has stopped"
            )
    await context.generations.delete(key, video_id)
    return json_response(views.deleted(video_id))


@router.post("/videos/{video_id}/cancel")
async def cancel_video(video_id: str, request: Request) -> Response:
    key = await caller(request)
    context = api_context(request)
    job = await context.generations.cancel(key, video_id)
    job = await _maybe_wait(context, job, request)
    return _video_response(context, job)


@router.post("/videos/{video_id}/remix")
async def remix_video(video_id: str, request: Request) -> Response:
    """A new video from the source's last frame and a new prompt, on an image-to-video
    model (the source's own, or ``model`` in the body)."""
    key = await caller(request)
    context = api_context(request)
    body = await json_object(request)
    source = await context.generations.get(key, video_id)
    fields = {"model": body.pop("model", source.model), **body}
    with tempfile.TemporaryDirectory() as folder:
        frame = await context.generations.remix_frame(key, video_id, Path(folder))
    fields["input_reference"] = {"image_url": frame}
    create = CreateFields(fields, fingerprint=b"remix " + video_id.encode() + repr(body).encode())
    job = await _submit(context, key, create, request, remixed_from=video_id)
    return _video_response(context, job)


@router.get("/videos/{video_id}/content")
@router.head("/videos/{video_id}/content")
async def video_content(
    video_id: str,
    request: Request,
    variant: Literal["video", "thumbnail", "spritesheet"] = "video",
) -> Response:
    key = await caller(request)
    context = api_context(request)
    job = await context.generations.get(key, video_id)
    if job.result is None:
        raise NotFound(f"video {video_id!r} is not ready yet (status {job.status.value})")
    blob_key = job.result.blob_key if variant == "video" else job.result.previews.get(variant)
    if blob_key is None:
        raise NotFound(f"video {video_id!r} has no {variant}")
    media_type, extension = VARIANTS[variant]
    filename = (
        f"{video_id}.{extension}" if variant == "video" else f"{video_id}-{variant}.{extension}"
    )
    location = await context.blobs.locate(blob_key, expires_in=300, filename=filename)
    if not isinstance(location, LocalFile):
        return RedirectResponse(location.url, status_code=302)
    return FileResponse(location.path, media_type=media_type, filename=filename)


@router.get("/videos/{video_id}/events")
async def video_events(video_id: str, request: Request) -> Response:
    key = await caller(request)
    context = api_context(request)
    job = await context.generations.get(key, video_id)
    catalogue = context.generations.catalogue
    return job_events(context.watch, job, lambda j: views.video(j, catalogue), "status")


async def _submit(
    context: ApiContext,
    key: ApiKey,
    create: CreateFields,
    request: Request,
    *,
    remixed_from: str | None = None,
) -> Job:
    spec, body = to_generation(context.generations.catalogue, create)
    callback = create.fields.get("callback_url")
    try:
        params = validate_params(spec, body)
        options = SubmitOptions(
            idempotency=idempotency(request, create.fingerprint),
            callback_url=str(callback) if callback else None,
            remixed_from=remixed_from,
        )
        return await context.generations.submit(key, spec, params, options)
    except InvalidImage as error:
        raise _as_input_reference(error, create) from None


def _as_input_reference(error: InvalidImage, create: CreateFields) -> InvalidRequest:
    """Image problems are named after the field the OpenAI client used."""
    if create.upload is None and "input_reference" not in create.fields:
        return error
    message = "input_reference" + error.message[len(error.field or "") :]
    return InvalidImage(message, field="input_reference")


async def _maybe_wait(context: ApiContext, job: Job, request: Request) -> Job:
    wait = requested_wait(request)
    if wait <= 0 or job.status.is_terminal:
        return job
    return await context.watch.wait_until_done(job, wait)


def _video_response(context: ApiContext, job: Job) -> Response:
    return views.video_response(job, context.generations.catalogue)
