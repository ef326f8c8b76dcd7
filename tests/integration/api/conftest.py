"""The real app on a real SQLite store, in-process, three ways: as served; with FastAPI's
routing alone (the shortcuts taken out, the reference they must match); and one shortcut
alone in front of a recorder that answers 599, to see what the shortcut answered itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from vidgate.api.app import create_app
from vidgate.api.creates import CreateShortcut
from vidgate.api.polls import PollShortcut
from vidgate.bootstrap import Runtime, close_runtime, open_runtime, prepare_database
from vidgate.config import Settings

NOT_ROUTED = 599
Shortcut = type[PollShortcut] | type[CreateShortcut]
BASE_URL = "http://vidgate.test"


@dataclass
class Apps:
    runtime: Runtime
    served: httpx.AsyncClient
    routes_only: httpx.AsyncClient
    secrets: dict[str, str]
    app: FastAPI

    def shortcut_alone(
        self, shortcut: type[PollShortcut] | type[CreateShortcut]
    ) -> httpx.AsyncClient:
        alone = shortcut(_not_routed)

        async def in_app(scope: Scope, receive: Receive, send: Send) -> None:
            scope["app"] = self.app
            await alone(scope, receive, send)

        return _client(in_app)


@pytest.fixture
async def apps(tmp_path: Path) -> AsyncIterator[Apps]:
    settings = Settings(data_dir=tmp_path)
    secrets = {k.key.name: k.secret for k in await prepare_database(settings)}
    runtime = await open_runtime(settings, with_worker=False)
    app = create_app(runtime.api_context(), max_request_bytes=1_000_000)
    reference = create_app(runtime.api_context(), max_request_bytes=1_000_000)
    shortcuts = (PollShortcut, CreateShortcut)
    reference.user_middleware = [m for m in reference.user_middleware if m.cls not in shortcuts]
    served, routes_only = _client(app), _client(reference)
    try:
        yield Apps(runtime, served, routes_only, secrets, app)
    finally:
        await served.aclose()
        await routes_only.aclose()
        await close_runtime(runtime)


def _client(app: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


async def _not_routed(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": NOT_ROUTED, "headers": []})
    await send({"type": "http.response.body", "body": b""})
