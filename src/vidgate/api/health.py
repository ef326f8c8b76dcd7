"""The liveness and readiness endpoints alone, for processes that serve no API (workers)."""

from __future__ import annotations

from fastapi import FastAPI

from vidgate.api import ops
from vidgate.api.context import ApiContext


def create_health_app(context: ApiContext) -> FastAPI:
    """``/healthz`` and ``/readyz`` with ``context``'s readiness checks; nothing else."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.vidgate = context
    app.include_router(ops.router)
    return app
