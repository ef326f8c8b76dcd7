"""The fake Runway developer API as a Starlette app (``X-Runway-Version: 2024-11-06``).

Errors follow HTTP semantics with an ``{"error": "..."}`` body. Output links point at this
app, built from the incoming request's base URL, signed with an expiry and re-signed on every
GET of the task, as Runway's CloudFront links are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.links import link_is_valid, signature
from tests.fakes.media import tiny_mp4
from tests.fakes.runway.rules import check_create
from tests.fakes.runway.state import API_VERSION, Endpoint, RunwayFake, RunwayTask

OUTPUT_PREFIX = "/_fake/runway/outputs"


def create_app(fake: RunwayFake) -> Starlette:
    async def create(request: Request) -> Response:
        body = await fake.requests.record(request)
        refusal = _refuse(fake, request, "create")
        if refusal is not None:
            return refusal
        if not isinstance(body, dict):
            return _error(400, "Request body must be a JSON object")
        problem = check_create(body, watermark_allowed=fake.watermark_allowed)
        if problem is not None:
            return _error(400, problem)
        model = str(body["model"])
        if fake.over_daily_limit(model):
            return _error(429, f"You have reached the daily generation limit for {model}")
        task = fake.new_task(model)
        return JSONResponse({} if fake.scenario == "no_task_id" else {"id": task.id})

    async def get_task(request: Request) -> Response:
        await fake.requests.record(request)
        refusal = _refuse(fake, request, "task")
        if refusal is not None:
            return refusal
        task = fake.visible(request.path_params["task_id"])
        if task is None:
            return _error(404, "Task not found")
        fake.advance(task)
        return JSONResponse(_task_object(fake, request, task))

    async def delete_task(request: Request) -> Response:
        await fake.requests.record(request)
        refusal = _refuse(fake, request, "delete")
        if refusal is not None:
            return refusal
        task = fake.visible(request.path_params["task_id"])
        if task is None:
            return _error(404, "Task not found")
        fake.delete(task)
        return Response(status_code=204)

    async def output(request: Request) -> Response:
        await fake.requests.record(request)
        name = request.path_params["name"]
        expires, _, sig = request.query_params.get("_jwt", "").partition(".")
        if not link_is_valid(fake.secret, name, expires, sig, fake.clock()):
            return Response("<Error>AccessDenied: expired</Error>", status_code=403)
        return Response(tiny_mp4(), media_type="video/mp4")

    return Starlette(
        routes=[
            Route("/v1/image_to_video", create, methods=["POST"]),
            Route("/v1/tasks/{task_id}", get_task, methods=["GET"]),
            Route("/v1/tasks/{task_id}", delete_task, methods=["DELETE"]),
            Route(OUTPUT_PREFIX + "/{name}", output, methods=["GET"]),
        ]
    )


def _refuse(fake: RunwayFake, request: Request, endpoint: Endpoint) -> Response | None:
    """Key and version checks, then any failure the scenario forces on this endpoint."""
    if request.headers.get("authorization") != f"Bearer {fake.api_key}":
        return _error(401, "Invalid API key or missing Authorization header")
    version = request.headers.get("x-runway-version")
    if version != API_VERSION:
        return _error(400, f"X-Runway-Version must be {API_VERSION!r}; got {version!r}")
    injection = fake.injected(endpoint)
    if injection is None:
        return None
    return _error(injection.status, injection.error)


def _task_object(fake: RunwayFake, request: Request, task: RunwayTask) -> dict[str, Any]:
    created = datetime.fromtimestamp(task.created_at, UTC)
    answer: dict[str, Any] = {
        "id": task.id,
        "createdAt": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "status": task.status,
    }
    if task.status == "RUNNING":
        answer["progress"] = fake.progress(task)
    elif task.status == "SUCCEEDED":
        answer["output"] = [_signed_output(fake, request, task)]
    elif task.status == "FAILED":
        answer["failure"] = task.ending.failure
        if task.ending.code is not None:
            answer["failureCode"] = task.ending.code
    return answer


def _signed_output(fake: RunwayFake, request: Request, task: RunwayTask) -> str:
    name = f"{task.id}.mp4"
    expires = int(fake.clock() + fake.url_lifetime)
    token = f"{expires}.{signature(fake.secret, name, expires)}"
    return f"{str(request.base_url).rstrip('/')}{OUTPUT_PREFIX}/{name}?_jwt={token}"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
