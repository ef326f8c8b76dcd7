"""What the HTTP layer needs from the rest of vidgate; built by ``bootstrap``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import Request

from vidgate.blobs.protocol import BlobStore
from vidgate.domain.accounts import ApiKey
from vidgate.domain.errors import PermissionDenied
from vidgate.services.generations import Generations
from vidgate.services.keys import Keys
from vidgate.services.urls import FileUrls
from vidgate.services.watch import JobWatch
from vidgate.services.webhooks import Webhooks

Check = Callable[[], Awaitable[None]]


@dataclass
class ApiContext:
    keys: Keys
    generations: Generations
    urls: FileUrls
    blobs: BlobStore
    watch: JobWatch
    webhooks: Webhooks

    readiness_checks: dict[str, Check] = field(default_factory=dict)


def api_context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.vidgate
    return context


async def caller(request: Request) -> ApiKey:
    return await api_context(request).keys.authenticate(request.headers.get("authorization"))


async def admin_caller(request: Request) -> ApiKey:
    key = await caller(request)
    if not key.is_admin:
        raise PermissionDenied("this route needs an admin key")
    return key
