"""Create, list, top up and revoke keys; read a key's ledger. Admin keys only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from vidgate.api.admin.schemas import (
    CreditsAdd,
    KeyCreate,
    KeyCreated,
    KeyPublic,
    LedgerPublic,
)
from vidgate.api.context import admin_caller, api_context
from vidgate.domain.jobs import KeyKind

router = APIRouter(prefix="/admin", dependencies=[Depends(admin_caller)])


@router.post("/keys", status_code=201)
async def create_key(body: KeyCreate, request: Request) -> KeyCreated:
    issued = await api_context(request).keys.issue(
        name=body.name, credits=body.credits, kind=KeyKind(body.kind), admin=body.admin
    )
    return KeyCreated(**KeyPublic.of(issued.key).model_dump(), secret=issued.secret)


@router.get("/keys")
async def list_keys(request: Request) -> dict[str, Any]:
    keys = await api_context(request).keys.list_all()
    return {"object": "list", "data": [KeyPublic.of(k) for k in keys]}


@router.get("/keys/{key_id}")
async def get_key(key_id: str, request: Request) -> KeyPublic:
    return KeyPublic.of(await api_context(request).keys.get(key_id))


@router.post("/keys/{key_id}/credits")
async def add_credits(key_id: str, body: CreditsAdd, request: Request) -> KeyPublic:
    key = await api_context(request).keys.top_up(key_id, body.amount, body.note)
    return KeyPublic.of(key)


@router.post("/keys/{key_id}/revoke")
async def revoke_key(key_id: str, request: Request) -> KeyPublic:
    return KeyPublic.of(await api_context(request).keys.revoke(key_id))


@router.get("/keys/{key_id}/ledger")
async def key_ledger(
    key_id: str,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    entries = await api_context(request).keys.ledger(key_id, limit=limit, before=before)
    return {"object": "list", "data": [LedgerPublic.of(e) for e in entries]}
