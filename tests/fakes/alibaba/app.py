"""The DashScope fake as a Starlette app: create, query, cancel, and the result on OSS.

Mount ``create_app(fake)`` in-process with ``httpx.ASGITransport`` (unit tests), or on
127.0.0.1 with ``tests.support.servers.serve_in_thread`` (end-to-end tests). Result links
are built from the incoming request's base URL, so they work in both.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tests.fakes.alibaba.checks import check_create
from tests.fakes.alibaba.scenarios import Injection
from tests.fakes.alibaba.state import AlibabaFake, FakeTask, beijing_time
from tests.fakes.links import link_is_valid, signature
from tests.fakes.media import tiny_mp4

MAX_PROMPT = 800
SYNC_REFUSED = "current user api does not support synchronous calls"
RATE_LIMITED = "Requests rate limit exceeded, please try again later."


def result_mp4() -> bytes:
    """Sixteen frames, 104x60 at Wan's 16 fps."""
    return tiny_mp4(104, 60, fps=16, frames=16)


def create_app(fake: AlibabaFake) -> Starlette:
    async def create(request: Request) -> Response:
        return await _create(fake, request)

    async def query(request: Request) -> Response:
        return await _query(fake, request)

    async def cancel(request: Request) -> Response:
        return await _cancel(fake, request)

    async def video(request: Request) -> Response:
        return await _video(fake, request)

    return Starlette(
        routes=[
            Route(
                "/api/v1/services/aigc/video-generation/video-synthesis", create, methods=["POST"]
            ),
            Route("/api/v1/tasks/{task_id}", query, methods=["GET"]),
            Route("/api/v1/tasks/{task_id}/cancel", cancel, methods=["POST"]),
            Route("/oss/dashscope-result/{task_id}.mp4", video, methods=["GET"]),
        ]
    )


async def _create(fake: AlibabaFake, request: Request) -> Response:
    body = await fake.requests.record(request)
    if denied := _authorize(fake, request):
        return denied
    if request.headers.get("x-dashscope-async") != "enable":
        return _error(403, "AccessDenied", SYNC_REFUSED)
    if fake.over_rate():
        return _error(429, "Throttling.RateQuota", RATE_LIMITED)
    if injection := fake.take_injection("create"):
        return _injected(injection)
    if problem := check_create(body, fake.models, fake.durations):
        return _error(400, *problem)
    if fake.over_concurrency():
        return _error(429, "Throttling.RateQuota", "Too many concurrent tasks, please wait.")
    task = fake.new_task(body)
    return JSONResponse(
        {"output": {"task_id": task.task_id, "task_status": task.status}, "request_id": _rid()}
    )


async def _query(fake: AlibabaFake, request: Request) -> Response:
    await fake.requests.record(request)
    if denied := _authorize(fake, request):
        return denied
    if injection := fake.take_injection("poll"):
        return _injected(injection)
    task_id = request.path_params["task_id"]
    task = fake.find_task(task_id)
    if task is None:
        output = {"task_id": task_id, "task_status": "UNKNOWN"}
        return JSONResponse({"request_id": _rid(), "output": output})
    fake.advance(task)
    return JSONResponse(_task_body(fake, task, request))


async def _cancel(fake: AlibabaFake, request: Request) -> Response:
    await fake.requests.record(request)
    if denied := _authorize(fake, request):
        return denied
    task = fake.find_task(request.path_params["task_id"])
    if task is None or not fake.cancel(task):
        message = "Failed to cancel the task, please confirm if the task is in PENDING status."
        return _error(400, "UnsupportedOperation", message)
    return JSONResponse({"request_id": _rid()})


async def _video(fake: AlibabaFake, request: Request) -> Response:
    await fake.requests.record(request)
    task = fake.tasks.get(request.path_params["task_id"])
    expires = request.query_params.get("Expires", "")
    sig = request.query_params.get("Signature", "")
    if task is None or task.status != "SUCCEEDED":
        return Response("<Error><Code>NoSuchKey</Code></Error>", 404, media_type="application/xml")
    if not link_is_valid(fake.api_key.encode(), task.task_id, expires, sig, fake.clock()):
        expired = "<Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>"
        return Response(expired, 403, media_type="application/xml")
    return Response(result_mp4(), media_type="video/mp4")


def _task_body(fake: AlibabaFake, task: FakeTask, request: Request) -> dict[str, Any]:
    prompt = str(task.body["input"]["prompt"])
    output: dict[str, Any] = {
        "task_id": task.task_id,
        "task_status": task.status,
        "submit_time": beijing_time(task.submitted_at),
    }
    if task.scheduled_at is not None:
        output["scheduled_time"] = beijing_time(task.scheduled_at)
    if task.finished:
        output["end_time"] = beijing_time(task.ended_at)
    body: dict[str, Any] = {"request_id": _rid(), "output": output}
    if task.status == "FAILED":
        output |= {"code": task.outcome.code, "message": task.outcome.message}
    if task.status == "SUCCEEDED":
        output |= {"video_url": _video_url(fake, task, request), "orig_prompt": prompt}
        if task.body.get("parameters", {}).get("prompt_extend", True):
            output["actual_prompt"] = f"{prompt[:MAX_PROMPT]}, cinematic lighting, rich detail"
        size = task.body.get("parameters", {}).get("size", "1280*720")
        body["usage"] = {"video_duration": 5, "video_ratio": size, "video_count": 1}
    return body


def _video_url(fake: AlibabaFake, task: FakeTask, request: Request) -> str:
    base = str(request.base_url).rstrip("/")
    expires = int((task.ended_at or 0) + fake.link_ttl)
    sig = signature(fake.api_key.encode(), task.task_id, expires)
    query = f"Expires={expires}&OSSAccessKeyId=LTAI-fake&Signature={sig}"
    return f"{base}/oss/dashscope-result/{task.task_id}.mp4?{query}"


def _authorize(fake: AlibabaFake, request: Request) -> Response | None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme != "Bearer" or key != fake.api_key:
        return _error(401, "InvalidApiKey", "Invalid API-key provided.")
    return None


def _injected(injection: Injection) -> Response:
    if injection.html:
        page = f"<html><body><h1>{injection.http_status} {injection.message}</h1></body></html>"
        return HTMLResponse(page, status_code=injection.http_status)
    return _error(injection.http_status, injection.code, injection.message)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"request_id": _rid(), "code": code, "message": message}, status)


def _rid() -> str:
    return str(uuid.uuid4())
