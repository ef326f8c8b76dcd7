"""The fake MiniMax video API as a Starlette app, following MiniMax's v1 protocol.

Errors come as HTTP 200 with a non-zero ``base_resp.status_code`` (bad keys included), as
MiniMax does; only injected edge failures use HTTP error statuses. Result links point at this
app, built from the incoming request's base URL, unauthenticated and expiring.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.links import link_is_valid, signature
from tests.fakes.media import tiny_mp4
from tests.fakes.minimax.rules import check_create
from tests.fakes.minimax.state import Endpoint, FakeTask, MiniMaxFake

AUTH_MISSING = (1004, "authorization header is missing")
INVALID_KEY = (2049, "invalid api key")
GROUP_MISMATCH = (1004, "token not match group")
DOWNLOAD_PREFIX = "/_fake/minimax/files"


def create_app(fake: MiniMaxFake) -> Starlette:
    async def create(request: Request) -> Response:
        body = await fake.requests.record(request)
        refusal = _refuse(fake, request, "create")
        if refusal is not None:
            return refusal
        if not isinstance(body, dict):
            return _error(2013, "invalid params, body must be a JSON object")
        invalid = check_create(body)
        if invalid is not None:
            return _error(*invalid)
        task = fake.new_task(str(body["model"]))
        task_id = "" if fake.scenario == "no_task_id" else task.task_id
        return _ok({"task_id": task_id})

    async def query(request: Request) -> Response:
        await fake.requests.record(request)
        refusal = _refuse(fake, request, "query")
        if refusal is not None:
            return refusal
        task = fake.tasks.get(request.query_params.get("task_id", ""))
        if task is None:
            return _error(2013, "invalid params, task not found")
        return _task_answer(task, fake.advance(task))

    async def retrieve(request: Request) -> Response:
        await fake.requests.record(request)
        refusal = _refuse(fake, request, "retrieve") or _group_refusal(fake, request)
        if refusal is not None:
            return refusal
        task = fake.task_by_file(request.query_params.get("file_id", ""))
        if task is None or task.polls == 0:
            return _error(2013, "invalid params, file not found")
        return _ok({"file": _file_object(fake, request, task)})

    async def download(request: Request) -> Response:
        await fake.requests.record(request)
        name = request.path_params["name"]
        query = request.query_params
        if not link_is_valid(
            fake.secret, name, query.get("expires", ""), query.get("sig", ""), fake.clock()
        ):
            return Response("link expired or invalid", status_code=403)
        return Response(tiny_mp4(), media_type="video/mp4")

    return Starlette(
        routes=[
            Route("/v1/video_generation", create, methods=["POST"]),
            Route("/v1/query/video_generation", query, methods=["GET"]),
            Route("/v1/files/retrieve", retrieve, methods=["GET"]),
            Route(DOWNLOAD_PREFIX + "/{name}", download, methods=["GET"]),
        ]
    )


def _refuse(fake: MiniMaxFake, request: Request, endpoint: Endpoint) -> Response | None:
    """The key check, then any failure the scenario forces on this endpoint."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return _error(*AUTH_MISSING)
    if header.removeprefix("Bearer ") != fake.api_key:
        return _error(*INVALID_KEY)
    injection = fake.injected(endpoint)
    if injection is None:
        return None
    if injection.http_status != 200:
        return Response("upstream connect error", status_code=injection.http_status)
    return _error(injection.code, f"injected error {injection.code}")


def _group_refusal(fake: MiniMaxFake, request: Request) -> Response | None:
    if fake.group_id is None or request.query_params.get("GroupId") == fake.group_id:
        return None
    return _error(*GROUP_MISMATCH)


def _task_answer(task: FakeTask, status: str) -> Response:
    answer: dict[str, Any] = {"task_id": task.task_id, "status": status, "file_id": ""}
    if status == "Success":
        answer |= {"file_id": str(task.file_id), "video_width": 1280, "video_height": 720}
        return _ok(answer)
    if status == "Fail":
        code = task.fail_code or 1000
        return JSONResponse({**answer, "base_resp": _base(code, f"task failed ({code})")})
    return _ok(answer)


def _file_object(fake: MiniMaxFake, request: Request, task: FakeTask) -> dict[str, Any]:
    now = fake.clock()
    name = f"{task.file_id}.mp4"
    expires = int(now + fake.url_lifetime)
    base = str(request.base_url).rstrip("/")
    url = (
        f"{base}{DOWNLOAD_PREFIX}/{name}?expires={expires}"
        f"&sig={signature(fake.secret, name, expires)}"
    )
    return {
        "file_id": task.file_id,  # an integer here, a string in the query answer
        "bytes": len(tiny_mp4()),
        "created_at": int(now),
        "filename": "output.mp4",
        "purpose": "video_generation",
        "download_url": url,
    }


def _ok(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse({**body, "base_resp": _base(0, "success")})


def _error(code: int, message: str) -> JSONResponse:
    return JSONResponse({"task_id": "", "base_resp": _base(code, message)})


def _base(code: int, message: str) -> dict[str, Any]:
    return {"status_code": code, "status_msg": message}
