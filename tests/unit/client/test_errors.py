"""``status_error``: one function turns every error response into its named exception."""

from __future__ import annotations

import httpx
import pytest

from tests.unit.client.fakes import error
from vidgate.client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
)
from vidgate.client.errors import connection_error, status_error

REQUEST = httpx.Request("POST", "http://vidgate.test/v1/videos")


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, InsufficientCreditsError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, ServiceUnavailableError),
        (413, APIStatusError),
        (422, APIStatusError),
    ],
)
def test_each_status_has_its_exception(status: int, kind: type[APIStatusError]) -> None:
    built = status_error(_with_request(error(status, "some_code", "nope")))
    assert type(built) is kind
    assert built.status_code == status


def test_a_503_is_also_a_server_error() -> None:
    assert isinstance(status_error(_with_request(error(503, "x", "y"))), InternalServerError)


def test_the_envelope_gives_code_message_param_and_request_id() -> None:
    body = {
        "error": {
            "message": "size: not 1x1",
            "type": "invalid_request_error",
            "param": "size",
            "code": "invalid_request",
        }
    }
    response = httpx.Response(400, json=body, headers={"x-request-id": "req_abc"})
    built = status_error(_with_request(response))
    assert (built.code, built.param, built.type) == (
        "invalid_request",
        "size",
        "invalid_request_error",
    )
    assert built.message == "size: not 1x1"
    assert built.request_id == "req_abc"
    assert built.body == body
    assert str(built) == "HTTP 400 invalid_request (size): size: not 1x1 [request req_abc]"


def test_a_body_that_is_not_json_is_kept_as_text() -> None:
    response = httpx.Response(502, text="<html>bad gateway</html>")
    built = status_error(_with_request(response))
    assert built.body == "<html>bad gateway</html>"
    assert built.message == "<html>bad gateway</html>"
    assert built.code is None and built.request_id is None


def test_an_empty_body_falls_back_to_the_reason_phrase() -> None:
    built = status_error(_with_request(httpx.Response(500)))
    assert built.message == "Internal Server Error"


def test_json_without_an_error_envelope_is_read_as_the_envelope() -> None:
    response = httpx.Response(400, json={"message": "plain", "code": "c"})
    built = status_error(_with_request(response))
    assert (built.message, built.code) == ("plain", "c")


def test_transport_errors_become_connection_or_timeout_errors() -> None:
    dropped = connection_error(httpx.RemoteProtocolError("gone", request=REQUEST))
    slow = connection_error(httpx.ReadTimeout("slow", request=REQUEST))
    assert type(dropped) is APIConnectionError and dropped.request is REQUEST
    assert type(slow) is APITimeoutError and isinstance(slow, APIConnectionError)


def _with_request(response: httpx.Response) -> httpx.Response:
    response.request = REQUEST
    return response


def test_a_connection_error_names_the_request() -> None:
    built = connection_error(httpx.ConnectError("[Errno 111] Connection refused", request=REQUEST))
    assert str(built).startswith("no answer (POST http://vidgate.test/v1/videos): ConnectError(")
