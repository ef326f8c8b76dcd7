"""Plain polls answered before FastAPI routes them.

A client following a job asks for it every second or two for minutes, so polls are most of
what a busy gateway answers. For the common case (GET by id, a valid key, a job this key
owns, no ``Prefer: wait``) this middleware does the route's work itself, through the same
services and views, and skips FastAPI's routing, request object and endpoint machinery,
which profiled as most of a poll's CPU (docs/benchmarks.md, "Hot path"). Anything else,
including every poll that ends in an error, goes on to the app unchanged: its routes stay
the reference, and they render each error in its dialect's envelope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from vidgate.api.aiml import views as aiml_views
from vidgate.api.context import ApiContext
from vidgate.api.errors import json_response
from vidgate.api.openai import views as openai_views
from vidgate.domain.errors import VidgateError
from vidgate.domain.jobs import Job

Render = Callable[[ApiContext, Job], Response]

_AIML_UNIFIED = "/v2/video/generations"
_AIML_VENDOR = ("/v2/generate/video/", "/generation")
_OPENAI = ("/v1/videos/", "/videos/")


@dataclass(frozen=True, slots=True)
class _Poll:
    job_id: str
    render: Render
    vendor: str | None = None


class PollShortcut:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            poll = _poll_of(scope["path"], scope["query_string"])
            if poll is not None:
                response = await _answer(scope, poll)
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


async def _answer(scope: Scope, poll: _Poll) -> Response | None:
    """The route's answer, or None where the route must decide (errors, waits)."""
    context: ApiContext | None = scope["app"].state.vidgate
    authorization = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value.decode("latin-1")
        elif name == b"prefer":
            return None
    if context is None or authorization is None:
        return None
    if poll.vendor is not None and poll.vendor not in context.generations.catalogue.vendors():
        return None
    try:
        key = await context.keys.authenticate(authorization)
        job = await context.generations.get(key, poll.job_id)
    except VidgateError:
        return None
    return poll.render(context, job)


def _poll_of(path: str, query: bytes) -> _Poll | None:
    if path.startswith(_OPENAI):
        job_id = path[path.index("/videos/") + len("/videos/") :]
        if job_id and "/" not in job_id and not query:
            return _Poll(job_id, _openai_video)
        return None
    if path == _AIML_UNIFIED:
        return _aiml_poll(query, vendor=None)
    prefix, suffix = _AIML_VENDOR
    if path.startswith(prefix) and path.endswith(suffix):
        vendor = path[len(prefix) : -len(suffix)]
        if vendor and "/" not in vendor:
            return _aiml_poll(query, vendor=vendor)
    return None


def _aiml_poll(query: bytes, *, vendor: str | None) -> _Poll | None:
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if len(pairs) != 1 or pairs[0][0] != "generation_id" or not pairs[0][1]:
        return None
    render = _aiml_video_list if vendor == "runway" else _aiml_generation
    return _Poll(pairs[0][1], render, vendor)


def _aiml_generation(context: ApiContext, job: Job) -> Response:
    return json_response(aiml_views.generation(job, context.urls))


def _aiml_video_list(context: ApiContext, job: Job) -> Response:
    return json_response(aiml_views.generation(job, context.urls, video_as_list=True))


def _openai_video(context: ApiContext, job: Job) -> Response:
    return openai_views.video_response(job, context.generations.catalogue)
