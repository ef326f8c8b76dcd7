"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from vidgate import __version__
from vidgate.api.context import api_context
from vidgate.api.errors import json_response

router = APIRouter()


@router.get("/healthz")
async def healthz() -> Response:
    return json_response({"status": "ok", "version": __version__})


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    checks: dict[str, str] = {}
    for name, check in api_context(request).readiness_checks.items():
        try:
            await check()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; report it
            checks[name] = f"failed: {type(exc).__name__}: {exc}"
        else:
            checks[name] = "ok"
    ready = all(v == "ok" for v in checks.values())
    return json_response(
        {"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503
    )
