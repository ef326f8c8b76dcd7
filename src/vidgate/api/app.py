"""The FastAPI app factory: one include per dialect."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from vidgate import __version__
from vidgate.api import files, ops, webhooks
from vidgate.api.admin import routes as admin_routes
from vidgate.api.aiml import routes as aiml_routes
from vidgate.api.context import ApiContext
from vidgate.api.creates import CreateShortcut
from vidgate.api.errors import ErrorRenderers, install_error_handlers
from vidgate.api.limits import BodySizeLimit
from vidgate.api.openai import routes as openai_routes
from vidgate.api.openai.errors import render_openai
from vidgate.api.playground import routes as playground_routes
from vidgate.api.polls import PollShortcut
from vidgate.api.request_ids import RequestIds

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(
    context: ApiContext | None,
    *,
    max_request_bytes: int,
    lifespan: Lifespan | None = None,
    opentelemetry: bool = False,
) -> FastAPI:
    app = FastAPI(
        # FastAPI asks the global OpenTelemetry providers on every request whether they are
        # configured; off, that check (~5% of a poll's CPU) is skipped.
        telemetry={"tracing": opentelemetry, "metrics": opentelemetry, "logs": opentelemetry},
        title="vidgate",
        version=__version__,
        description="Self-hosted video-generation API",
        lifespan=lifespan or _no_lifespan,
    )
    app.state.vidgate = context
    renderers = ErrorRenderers()
    install_error_handlers(app, renderers)
    app.state.error_renderers = renderers
    app.include_router(aiml_routes.router, tags=["AIML dialect"])
    app.include_router(openai_routes.router, prefix="/v1", tags=["OpenAI dialect"])
    app.include_router(openai_routes.router, tags=["OpenAI dialect"], include_in_schema=False)
    renderers.register("/v1/videos", render_openai)
    renderers.register("/videos", render_openai)

    app.include_router(admin_routes.router, tags=["admin"])
    app.include_router(webhooks.router, tags=["webhooks"])
    app.include_router(files.router, tags=["files"])
    app.include_router(playground_routes.router, tags=["playground"])

    app.include_router(ops.router, tags=["operations"])
    app.add_middleware(PollShortcut)
    app.add_middleware(CreateShortcut)
    app.add_middleware(BodySizeLimit, max_bytes=max_request_bytes)
    app.add_middleware(RequestIds)

    return app


@asynccontextmanager
async def _no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
