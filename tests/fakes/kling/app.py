"""The Kling fake as a Starlette app: create, query, and the result MP4 on an expiring link.

Mount ``create_app(fake)`` in-process with ``httpx.ASGITransport`` (unit tests), or on
127.0.0.1 with ``tests.support.servers.serve_in_thread`` (end-to-end tests). Result links
are built from the incoming request's base URL, so they work in both.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.kling.checks import check_create
from tests.fakes.kling.state import FakeTask, KlingFake
from tests.fakes.kling.tokens import check_authorization
from tests.fakes.media import tiny_mp4

FAMILIES = ("text2video", "image2video")


def create_app(fake: KlingFake) -> Starlette:
    async def create(request: Request) -> Response:
        return await _create(fake, request)

    async def query(request: Request) -> Response:
        return await _query(fake, request)

    async def video(request: Request) -> Response:
        return await _video(fake, request)

    return Starlette(
        routes=[
            Route("/v1/videos/{family}", create, methods=["POST"]),
            Route("/v1/videos/{family}/{task_id}", query, methods=["GET"]),
            Route("/cdn/kling/{task_id}.mp4", video, methods=["GET"]),
        ]
    )


def result_mp4() -> bytes:
    """The result of every task: a real, tiny H.264 MP4 (64x36, 8 frames)."""
    return tiny_mp4(64, 36, fps=8, frames=8)


async def _create(fake: KlingFake, request: Request) -> Response:
    body = await fake.requests.record(request)
    family = request.path_params["family"]
    if family not in FAMILIES:
        return _error(404, 1203, f"resource /v1/videos/{family} does not exist")
    if denied := _authorize(fake, request, "create"):
        return denied
    if not isinstance(body, dict):
        return _error(400, 1200, "request body must be a JSON object")
    if problem := check_create(family, body):
        return _error(400, 1201, problem)
    external = body.get("external_task_id")
    if isinstance(external, str) and fake.external_id_taken(external):
        return _error(400, 1201, f"external_task_id {external!r} already exists")
    if fake.max_concurrency is not None and fake.unfinished_tasks() >= fake.max_concurrency:
        return _error(429, 1303, "parallel task over resource pack limit")
    injection = fake.take_injection("create")
    if injection is not None and not injection.after_creating:
        return _error(injection.http_status, injection.code, injection.message)
    task = fake.new_task(family, body)
    if injection is not None:
        return _error(injection.http_status, injection.code, injection.message)
    return _ok(_task_data(task, request, fake, brief=True))


async def _query(fake: KlingFake, request: Request) -> Response:
    await fake.requests.record(request)
    if denied := _authorize(fake, request, "poll"):
        return denied
    family = request.path_params["family"]
    task = fake.find_task(request.path_params["task_id"])
    if family not in FAMILIES or task is None or task.family != family:
        return _error(404, 1203, "task does not exist")
    fake.advance(task)
    return _ok(_task_data(task, request, fake))


async def _video(fake: KlingFake, request: Request) -> Response:
    await fake.requests.record(request)
    task = fake.tasks.get(request.path_params["task_id"])
    if task is None or task.status != "succeed":
        return Response("not found", status_code=404)
    if fake.clock() * 1000 > task.updated_at + fake.link_ttl * 1000:
        return Response("link expired", status_code=403)
    return Response(result_mp4(), media_type="video/mp4")


def _authorize(fake: KlingFake, request: Request, stage: str) -> Response | None:
    failure = check_authorization(request.headers.get("authorization"), fake)
    if failure is not None:
        return _error(failure.http_status, failure.code, failure.message)
    injection = fake.take_injection("any")
    if injection is None and stage == "poll":
        injection = fake.take_injection("poll")
    if injection is not None:
        return _error(injection.http_status, injection.code, injection.message)
    return None


def _task_data(
    task: FakeTask, request: Request, fake: KlingFake, *, brief: bool = False
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "task_id": task.task_id,
        "task_status": task.status,
        "task_info": {"external_task_id": task.external_task_id} if task.external_task_id else {},
        "created_at": task.created_at,
        "updated_at": task.updated_at,
    }
    if brief:
        return data
    data["task_status_msg"] = task.failure if task.status == "failed" else ""
    if task.status == "succeed":
        data["task_result"] = {"videos": [_video_entry(task, request, fake)]}
        data["final_unit_deduction"] = "1"
    return data


def _video_entry(task: FakeTask, request: Request, fake: KlingFake) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    expires = int(task.updated_at / 1000 + fake.link_ttl)
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, task.task_id)),
        "url": f"{base}/cdn/kling/{task.task_id}.mp4?x-expires={expires}",
        "duration": f"{task.body.get('duration', '5')}.1",
    }


def _ok(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse(
        {"code": 0, "message": "SUCCEED", "request_id": str(uuid.uuid4()), "data": data}
    )


def _error(status: int, code: int, message: str) -> JSONResponse:
    body = {"code": code, "message": message, "request_id": str(uuid.uuid4())}
    return JSONResponse(body, status_code=status)
