"""The Vertex AI surface of the fake: create and fetchPredictOperation on the model resource,
a GET on the operation refused (it does not work for Veo), and the Cloud Storage JSON API
download of results written under ``storageUri``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.google.checks import check_create
from tests.fakes.google.envelope import error_info, google_error, injected_error
from tests.fakes.google.media import encoded_result, result_mp4
from tests.fakes.google.state import FakeOperation, GoogleFake

SERVICE = "aiplatform.googleapis.com"
MODEL_PATH = "/v1/projects/{project}/locations/{location}/publishers/google/models"
UNAUTHENTICATED = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential."
)
RESPONSE_TYPE = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"


def vertex_routes(fake: GoogleFake) -> list[Route]:
    async def model_call(request: Request) -> Response:
        return await _model_call(fake, request)

    async def get_operation(request: Request) -> Response:
        await fake.requests.record(request)
        return google_error(
            404, "NOT_FOUND", "Operations of this model are read with fetchPredictOperation."
        )

    async def storage_object(request: Request) -> Response:
        return await _storage_object(fake, request)

    return [
        Route(f"{MODEL_PATH}/{{model_action}}", model_call, methods=["POST"]),
        Route(f"{MODEL_PATH}/{{model}}/operations/{{op_id}}", get_operation, methods=["GET"]),
        Route("/storage/v1/b/{bucket}/o/{name:path}", storage_object, methods=["GET"]),
    ]


async def _model_call(fake: GoogleFake, request: Request) -> Response:
    body = await fake.requests.record(request)
    if denied := _authorize(fake, request):
        return denied
    params = request.path_params
    if params["project"] != fake.project:
        return google_error(
            403,
            "PERMISSION_DENIED",
            f"Permission 'aiplatform.endpoints.predict' denied on resource "
            f"'projects/{params['project']}' (or it may not exist).",
        )
    model, _, action = params["model_action"].partition(":")
    if params["location"] != fake.location or model not in fake.models:
        return google_error(
            404, "NOT_FOUND", f"Publisher Model `{_resource(params, model)}` not found."
        )
    if action == "predictLongRunning":
        return _create(fake, model, body)
    if action == "fetchPredictOperation":
        return _fetch(fake, body)
    return google_error(404, "NOT_FOUND", f"Method {action!r} not found.")


def _create(fake: GoogleFake, model: str, body: Any) -> Response:
    if injected := injected_error(fake, "create"):
        return injected
    if problem := check_create("vertex", body):
        return google_error(400, "INVALID_ARGUMENT", problem)
    operation = fake.new_operation("vertex", model, body)
    return JSONResponse({"name": operation.name})


def _fetch(fake: GoogleFake, body: Any) -> Response:
    if injected := injected_error(fake, "poll"):
        return injected
    name = body.get("operationName") if isinstance(body, dict) else None
    operation = fake.operations.get(name) if isinstance(name, str) else None
    if operation is None or operation.surface != "vertex":
        return google_error(404, "NOT_FOUND", f"Operation {name!r} not found.")
    fake.advance(operation)
    return JSONResponse(_operation_body(operation))


async def _storage_object(fake: GoogleFake, request: Request) -> Response:
    await fake.requests.record(request)
    if denied := _authorize(fake, request):
        return denied
    uri = f"gs://{request.path_params['bucket']}/{request.path_params['name']}"
    found = any(op.gcs_uri == uri for op in fake.operations.values())
    if not found or request.query_params.get("alt") != "media":
        return google_error(404, "NOT_FOUND", f"No such object: {uri.removeprefix('gs://')}")
    return Response(result_mp4(), media_type="video/mp4")


def _authorize(fake: GoogleFake, request: Request) -> Response | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme != "Bearer" or not fake.token_valid(token):
        reason = (
            "ACCESS_TOKEN_EXPIRED"
            if token == fake.access_token
            else "ACCESS_TOKEN_TYPE_UNSUPPORTED"
        )
        return google_error(401, "UNAUTHENTICATED", UNAUTHENTICATED, [error_info(reason, SERVICE)])
    return None


def _operation_body(operation: FakeOperation) -> dict[str, Any]:
    if not operation.done:
        return {"name": operation.name}
    outcome = operation.outcome
    if outcome.kind == "error":
        error = {"code": outcome.error_code, "message": outcome.message}
        return {"name": operation.name, "done": True, "error": error}
    response: dict[str, Any] = {"@type": RESPONSE_TYPE, "raiMediaFilteredCount": 0}
    if outcome.kind == "filtered":
        response["raiMediaFilteredCount"] = 1
        response["raiMediaFilteredReasons"] = list(outcome.reasons)
    elif operation.gcs_uri:
        response["videos"] = [{"gcsUri": operation.gcs_uri, "mimeType": "video/mp4"}]
    else:
        response["videos"] = [{"bytesBase64Encoded": encoded_result(), "mimeType": "video/mp4"}]
    return {"name": operation.name, "done": True, "response": response}


def _resource(params: dict[str, Any], model: str) -> str:
    return (
        f"projects/{params['project']}/locations/{params['location']}/publishers/google/"
        f"models/{model}"
    )
