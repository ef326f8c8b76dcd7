"""The pure parts of the Google engine: errors, options, surfaces, operations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from vidgate.domain.errors import (
    Cancelled,
    ContentRefused,
    GenerationError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.domain.routing import Deployment
from vidgate.engines.google.errors import error_for_operation, error_for_response
from vidgate.engines.google.operations import GeneratedVideo, read_operation
from vidgate.engines.google.options import GoogleOptions
from vidgate.engines.google.surfaces import GeminiSurface, VertexSurface
from vidgate.engines.options import InvalidOptions


def google_answer(
    http: int,
    status: str,
    message: str = "m",
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    error: dict[str, Any] = {"code": http, "message": message, "status": status}
    if details:
        error["details"] = details
    return httpx.Response(http, json={"error": error}, headers=headers)


@pytest.mark.parametrize(
    ("http", "status", "message", "expected"),
    [
        (400, "INVALID_ARGUMENT", "durationSeconds out of range", UpstreamBadInput),
        (400, "INVALID_ARGUMENT", "violates Vertex AI's usage guidelines", ContentRefused),
        (400, "FAILED_PRECONDITION", "User location is not supported", UpstreamBadInput),
        (400, "FAILED_PRECONDITION", "Please enable billing", UpstreamQuota),
        (401, "UNAUTHENTICATED", "bad token", UpstreamAuth),
        (403, "PERMISSION_DENIED", "no access", UpstreamAuth),
        (404, "NOT_FOUND", "models/x is not found", UpstreamBadInput),
        (429, "RESOURCE_EXHAUSTED", "Resource has been exhausted", UpstreamRateLimited),
        (500, "INTERNAL", "Internal error", UpstreamUnavailable),
        (503, "UNAVAILABLE", "overloaded", UpstreamUnavailable),
        (504, "DEADLINE_EXCEEDED", "deadline", UpstreamUnavailable),
    ],
)
def test_http_errors_map_by_canonical_status(
    http: int, status: str, message: str, expected: type[GenerationError]
) -> None:
    error = error_for_response(google_answer(http, status, message))

    assert type(error) is expected
    assert status in error.message and message in error.message


def test_an_invalid_api_key_is_auth_although_google_answers_400() -> None:
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]

    error = error_for_response(google_answer(400, "INVALID_ARGUMENT", "API key", details))

    assert isinstance(error, UpstreamAuth)


def test_retry_delay_and_retry_after_are_read() -> None:
    details = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "17.5s"}]
    from_details = error_for_response(google_answer(429, "RESOURCE_EXHAUSTED", details=details))
    from_header = error_for_response(
        google_answer(503, "UNAVAILABLE", headers={"Retry-After": "9"})
    )

    assert isinstance(from_details, UpstreamRateLimited) and from_details.retry_after == 17.5
    assert isinstance(from_header, UpstreamUnavailable) and from_header.retry_after == 9


def test_an_answer_without_envelope_falls_back_to_the_http_status() -> None:
    error = error_for_response(httpx.Response(502, text="<html>Bad gateway</html>"))

    assert isinstance(error, UpstreamUnavailable)
    assert "502" in error.message


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (1, Cancelled),
        (3, UpstreamBadInput),
        (4, UpstreamUnavailable),
        (7, UpstreamAuth),
        (8, UpstreamRateLimited),
        (9, UpstreamBadInput),
        (13, UpstreamUnavailable),
        (14, UpstreamUnavailable),
        (16, UpstreamAuth),
        (99, UpstreamUnavailable),
        ("x", UpstreamUnavailable),
    ],
)
def test_operation_errors_map_by_grpc_code(code: object, expected: type[GenerationError]) -> None:
    error = error_for_operation("models/m/operations/1", {"code": code, "message": "why"})

    assert type(error) is expected
    assert "models/m/operations/1" in error.message and "why" in error.message


def test_an_operation_refused_for_safety_is_content_refused() -> None:
    message = "The prompt contains sensitive words that violate Google's Responsible AI practices"

    error = error_for_operation("op", {"code": 3, "message": message})

    assert isinstance(error, ContentRefused)


def test_both_result_shapes_are_read() -> None:
    gemini = read_operation(
        {
            "name": "models/m/operations/1",
            "done": True,
            "response": {
                "generateVideoResponse": {"generatedSamples": [{"video": {"uri": "https://f"}}]}
            },
        }
    )
    vertex = read_operation(
        {
            "name": "projects/p/operations/2",
            "done": True,
            "response": {"videos": [{"bytesBase64Encoded": "AAAA", "mimeType": "video/mp4"}]},
        }
    )

    assert gemini is not None and gemini.videos == (GeneratedVideo(uri="https://f"),)
    assert vertex is not None and vertex.videos == (GeneratedVideo(inline_base64="AAAA"),)
    assert read_operation({"done": True}) is None
    assert read_operation(["not", "an", "operation"]) is None


def test_a_running_operation_has_no_done_flag() -> None:
    operation = read_operation({"name": "models/m/operations/1", "metadata": {}})

    assert operation is not None and not operation.done


def test_the_api_key_is_sent_only_to_the_api_host() -> None:
    options = GoogleOptions.of(Deployment(name="g", engine="google"))
    surface = GeminiSurface(options, "secret")

    own = surface.remote_video(
        GeneratedVideo("https://generativelanguage.googleapis.com/v1beta/files/f:download")
    )
    foreign = surface.remote_video(GeneratedVideo("https://cdn.example/f.mp4"))

    assert own is not None and own.headers == {"x-goog-api-key": "secret"}
    assert foreign is not None and foreign.headers == {}


def test_vertex_urls_follow_the_location() -> None:
    options = GoogleOptions.of(
        Deployment(
            name="v",
            engine="google",
            options={"surface": "vertex", "project": "p", "location": "europe-west4"},
        )
    )
    surface = VertexSurface(options, "t")

    assert surface.create_url("veo-2.0-generate-001") == (
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/"
        "publishers/google/models/veo-2.0-generate-001:predictLongRunning"
    )
    global_options = GoogleOptions.of(
        Deployment(
            name="v",
            engine="google",
            options={"surface": "vertex", "project": "p", "location": "global"},
        )
    )
    assert global_options.base_url == "https://aiplatform.googleapis.com"


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"surface": "aistudio"}, "surface"),
        ({"surface": "vertex"}, "project"),
        ({"project": "p"}, "'vertex' only"),
        ({"surface": "vertex", "project": "p", "storage_uri": "s3://b/"}, "gs://"),
        ({"person_generation": "allow_all"}, "person_generation"),
        ({"regoin": "x"}, "unknown"),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidOptions, match=words):
        GoogleOptions.of(Deployment(name="g", engine="google", options=options))
