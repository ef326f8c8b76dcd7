"""A key's webhook endpoint and its delivery log (every attempt), for the key's owner."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from vidgate.api.context import api_context, caller
from vidgate.api.errors import json_response
from vidgate.store.protocol import Attempt, Delivery

router = APIRouter(prefix="/v2/webhooks")


class EndpointSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=2048)


@router.get("/endpoint")
async def get_endpoint(request: Request) -> Response:
    key = await caller(request)
    url, secret = await api_context(request).webhooks.endpoint(key)
    return json_response({"url": url, "secret": secret})


@router.put("/endpoint")
async def set_endpoint(body: EndpointSet, request: Request) -> Response:
    key = await caller(request)
    url, secret = await api_context(request).webhooks.set_endpoint(key, body.url)
    return json_response({"url": url, "secret": secret})


@router.delete("/endpoint")
async def clear_endpoint(request: Request) -> Response:
    key = await caller(request)
    await api_context(request).webhooks.clear_endpoint(key)
    return json_response({"url": None})


@router.get("/deliveries")
async def list_deliveries(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    generation_id: str | None = None,
) -> Response:
    key = await caller(request)
    found = await api_context(request).webhooks.deliveries(key, limit=limit, job_id=generation_id)
    return json_response({"object": "list", "data": [_view(d, a) for d, a in found]})


def _view(delivery: Delivery, attempts: list[Attempt]) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "generation_id": delivery.job_id,
        "event": delivery.event_type,
        "url": delivery.url,
        "status": delivery.status,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "next_attempt_at": delivery.next_attempt_at if delivery.status == "pending" else None,
        "attempts": [
            {
                "attempt": a.attempt,
                "at": a.at,
                "status_code": a.status_code,
                "error": a.error,
                "duration_ms": a.duration_ms,
            }
            for a in attempts
        ],
    }
