"""POST and GET for generations on the seed's per-vendor paths and on the unified path."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from vidgate.api.aiml import views
from vidgate.api.body import json_object
from vidgate.api.context import api_context, caller
from vidgate.api.errors import json_response
from vidgate.api.events import job_events
from vidgate.api.idempotency import idempotency
from vidgate.api.waiting import requested_wait
from vidgate.domain.errors import InvalidRequest, NotFound
from vidgate.domain.pricing import price_of
from vidgate.domain.validation import validate_params
from vidgate.services.generations import SubmitOptions

router = APIRouter()


@router.post("/v2/generate/video/{vendor}/generation")
async def create_on_vendor_path(vendor: str, request: Request) -> Response:
    return await _create(request, vendor=_known_vendor(request, vendor))


@router.get("/v2/generate/video/{vendor}/generation")
async def get_on_vendor_path(vendor: str, request: Request) -> Response:
    vendor = _known_vendor(request, vendor)
    return await _get(request, video_as_list=vendor == "runway")


@router.post("/v2/video/generations")
async def create_unified(request: Request) -> Response:
    return await _create(request, vendor=None)


@router.get("/v2/video/generations")
async def get_unified(request: Request) -> Response:
    return await _get(request, video_as_list=False)


@router.post("/v2/video/generations/cancel")
async def cancel_generation(request: Request) -> Response:
    key = await caller(request)
    job = await api_context(request).generations.cancel(key, _generation_id(request))
    return json_response(views.generation(job, api_context(request).urls))


@router.get("/v2/video/generations/events")
async def generation_events(request: Request) -> Response:
    key = await caller(request)
    context = api_context(request)
    job = await context.generations.get(key, _generation_id(request))
    return job_events(context.watch, job, lambda j: views.generation(j, context.urls), "status")


@router.get("/v2/video/models")
async def list_models(request: Request) -> Response:
    generations = api_context(request).generations
    models = []
    for spec in generations.catalogue:
        rule = generations.price_rule(spec)
        price = {
            "per_video": rule.per_video,
            "per_second": rule.per_second,
            "default_request": price_of(spec, {}, rule),
        }
        models.append(views.model_entry(spec, price))
    return json_response({"object": "list", "data": models})


async def _create(request: Request, *, vendor: str | None) -> Response:
    key = await caller(request)
    context = api_context(request)
    body = await json_object(request)
    fingerprint = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    callback_url = body.pop("callback_url", None)
    if callback_url is not None and not isinstance(callback_url, str):
        raise InvalidRequest("callback_url: must be an https URL", field="callback_url")
    spec = context.generations.catalogue.resolve(body.get("model"), vendor=vendor)
    params = validate_params(spec, body, unified=vendor is None)
    options = SubmitOptions(
        idempotency=idempotency(request, fingerprint), callback_url=callback_url
    )
    job = await context.generations.submit(key, spec, params, options)
    wait = requested_wait(request)
    if wait > 0:
        job = await context.watch.wait_until_done(job, wait)
        return json_response(views.generation(job, context.urls))
    return json_response(views.created(job, generation_id_only=vendor == "minimax"))


async def _get(request: Request, *, video_as_list: bool) -> Response:
    key = await caller(request)
    context = api_context(request)
    job = await context.generations.get(key, _generation_id(request))
    wait = requested_wait(request)
    if wait > 0 and not job.status.is_terminal:
        job = await context.watch.wait_until_done(job, wait)
    return json_response(views.generation(job, context.urls, video_as_list=video_as_list))


def _generation_id(request: Request) -> str:
    generation_id = request.query_params.get("generation_id")
    if not generation_id:
        raise InvalidRequest("generation_id: required query parameter", field="generation_id")
    return generation_id


def _known_vendor(request: Request, vendor: str) -> str:
    vendors = api_context(request).generations.catalogue.vendors()
    if vendor not in vendors:
        raise NotFound(f"unknown vendor path {vendor!r}; vendors: {', '.join(vendors)}")
    return vendor
