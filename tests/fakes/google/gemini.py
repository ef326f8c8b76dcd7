"""The Gemini API surface of the fake: create, poll, and the key-protected file download.

The download answers a redirect to an unauthenticated signed link, as Google's file
service does; the worker follows redirects.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fakes.google.checks import check_create
from tests.fakes.google.envelope import error_info, google_error, injected_error
from tests.fakes.google.media import encoded_result, result_mp4
from tests.fakes.google.state import FakeOperation, GoogleFake
from tests.fakes.links import link_is_valid, signature

SERVICE = "generativelanguage.googleapis.com"
UNREGISTERED = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)
RESPONSE_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse"


def gemini_routes(fake: GoogleFake) -> list[Route]:
    async def create(request: Request) -> Response:
        return await _create(fake, request)

    async def poll(request: Request) -> Response:
        return await _poll(fake, request)

    async def download(request: Request) -> Response:
        return await _download(fake, request)

    async def signed(request: Request) -> Response:
        return await _signed(fake, request)

    return [
        Route("/v1beta/models/{model_action}", create, methods=["POST"]),
        Route("/v1beta/models/{model}/operations/{op_id}", poll, methods=["GET"]),
        Route("/v1beta/files/{file_action}", download, methods=["GET"]),
        Route("/signed/veo/{file_id}.mp4", signed, methods=["GET"]),
    ]


async def _create(fake: GoogleFake, request: Request) -> Response:
    body = await fake.requests.record(request)
    if denied := _authorize(fake, request):
        return denied
    model, _, action = request.path_params["model_action"].partition(":")
    if action != "predictLongRunning" or model not in fake.models:
        return _not_found(
            f"models/{model} is not found for API version v1beta, or is not "
            "supported for predictLongRunning."
        )
    if injected := injected_error(fake, "create"):
        return injected
    if problem := check_create("gemini", body):
        return google_error(400, "INVALID_ARGUMENT", problem)
    operation = fake.new_operation("gemini", model, body)
    return JSONResponse({"name": operation.name})


async def _poll(fake: GoogleFake, request: Request) -> Response:
    await fake.requests.record(request)
    if denied := _authorize(fake, request):
        return denied
    if injected := injected_error(fake, "poll"):
        return injected
    name = f"models/{request.path_params['model']}/operations/{request.path_params['op_id']}"
    operation = fake.operations.get(name)
    if operation is None or operation.surface != "gemini":
        return _not_found(f"Operation {name} not found.")
    fake.advance(operation)
    return JSONResponse(_operation_body(operation, request))


async def _download(fake: GoogleFake, request: Request) -> Response:
    await fake.requests.record(request)
    if denied := _authorize(fake, request):
        return denied
    file_id, _, action = request.path_params["file_action"].partition(":")
    operation = _operation_with_file(fake, file_id)
    if action != "download" or operation is None or not fake.file_alive(operation):
        return _not_found(f"File {file_id} does not exist or has expired.")
    expires = int(fake.clock()) + 300
    base = str(request.base_url).rstrip("/")
    sig = signature(fake.api_key.encode(), file_id, expires)
    target = f"{base}/signed/veo/{file_id}.mp4?expires={expires}&sig={sig}"
    return RedirectResponse(target, status_code=302)


async def _signed(fake: GoogleFake, request: Request) -> Response:
    await fake.requests.record(request)
    file_id = request.path_params["file_id"]
    expires = request.query_params.get("expires", "")
    sig = request.query_params.get("sig", "")
    if not link_is_valid(fake.api_key.encode(), file_id, expires, sig, fake.clock()):
        return Response("signed link invalid or expired", status_code=403)
    return Response(result_mp4(), media_type="video/mp4")


def _authorize(fake: GoogleFake, request: Request) -> Response | None:
    key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
    if not key:
        return google_error(403, "PERMISSION_DENIED", UNREGISTERED)
    if key != fake.api_key:
        return google_error(
            400,
            "INVALID_ARGUMENT",
            "API key not valid. Please pass a valid API key.",
            [error_info("API_KEY_INVALID", SERVICE)],
        )
    return None


def _operation_body(operation: FakeOperation, request: Request) -> dict[str, Any]:
    if not operation.done:
        return {"name": operation.name}
    outcome = operation.outcome
    if outcome.kind == "error":
        error = {"code": outcome.error_code, "message": outcome.message}
        return {"name": operation.name, "done": True, "error": error}
    result: dict[str, Any] = {"raiMediaFilteredCount": 0}
    if outcome.kind == "filtered":
        result = {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": list(outcome.reasons)}
    elif outcome.kind == "inline_video":
        result["generatedSamples"] = [
            {"video": {"encodedVideo": encoded_result(), "encoding": "video/mp4"}}
        ]
    else:
        base = str(request.base_url).rstrip("/")
        uri = f"{base}/v1beta/files/{operation.file_id}:download?alt=media"
        result["generatedSamples"] = [{"video": {"uri": uri}}]
    response = {"@type": RESPONSE_TYPE, "generateVideoResponse": result}
    return {"name": operation.name, "done": True, "response": response}


def _operation_with_file(fake: GoogleFake, file_id: str) -> FakeOperation | None:
    return next((op for op in fake.operations.values() if op.file_id == file_id), None)


def _not_found(message: str) -> Response:
    return google_error(404, "NOT_FOUND", message)
