"""The pure parts: model names, service codes, failed-task reasons, task objects, options."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from vidgate.domain.errors import (
    ContentRefused,
    GenerationError,
    OutputInvalid,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.domain.routing import Deployment
from vidgate.engines.kling.errors import (
    error_for_code,
    error_for_failed_task,
    is_duplicate_external_id,
)
from vidgate.engines.kling.mapping import default_model_name, mode_for
from vidgate.engines.kling.options import KlingOptions
from vidgate.engines.kling.responses import read_envelope, snapshot_for
from vidgate.engines.options import InvalidOptions
from vidgate.engines.protocol import RemoteVideo


@pytest.mark.parametrize(
    ("model_id", "model_name", "mode"),
    [
        ("kling-video/v1/standard/text-to-video", "kling-v1", "std"),
        ("kling-video/v1/pro/image-to-video", "kling-v1", "pro"),
        ("kling-video/v1.6/standard/image-to-video", "kling-v1-6", "std"),
        ("kling-video/v1.6/pro/text-to-video", "kling-v1-6", "pro"),
    ],
)
def test_public_id_picks_model_name_and_mode(model_id: str, model_name: str, mode: str) -> None:
    assert default_model_name(model_id) == model_name
    assert mode_for(model_id) == mode


def test_unknown_public_id_has_no_default_model_name() -> None:
    with pytest.raises(UpstreamBadInput, match="no version mapping"):
        default_model_name("kling-video/v9/standard/text-to-video")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (1000, UpstreamAuth),
        (1001, UpstreamAuth),
        (1002, UpstreamAuth),
        (1003, UpstreamAuth),
        (1004, UpstreamAuth),
        (1100, UpstreamAuth),
        (1101, UpstreamQuota),
        (1102, UpstreamQuota),
        (1103, UpstreamAuth),
        (1200, UpstreamBadInput),
        (1201, UpstreamBadInput),
        (1202, UpstreamBadInput),
        (1203, UpstreamBadInput),
        (1300, ContentRefused),
        (1301, ContentRefused),
        (1302, UpstreamRateLimited),
        (1303, UpstreamRateLimited),
        (1304, UpstreamAuth),
        (5000, UpstreamUnavailable),
        (5001, UpstreamUnavailable),
        (5002, UpstreamUnavailable),
        (5099, UpstreamUnavailable),
    ],
)
def test_every_documented_code_has_its_domain_error(
    code: int, error: type[GenerationError]
) -> None:
    mapped = error_for_code(code, "vendor words", http_status=429)

    assert type(mapped) is error
    assert f"kling code {code}" in mapped.message and "vendor words" in mapped.message


def test_billing_codes_under_429_are_not_retryable() -> None:
    for code in (1100, 1101, 1102, 1304):
        mapped = error_for_code(code, "", http_status=429)
        assert mapped is not None and not mapped.retryable


def test_rate_limit_carries_the_retry_advice() -> None:
    mapped = error_for_code(
        1303, "parallel task over resource pack limit", http_status=429, retry_after=4.0
    )

    assert isinstance(mapped, UpstreamRateLimited) and mapped.retry_after == 4.0


def test_unknown_code_is_left_to_the_http_status() -> None:
    assert error_for_code(1999, "new", http_status=400) is None


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("Failure to pass the risk control system", ContentRefused),
        ("The content may violate relevant regulations", ContentRefused),
        ("内容审核未通过", ContentRefused),
        ("Internal error, please try again later", UpstreamUnavailable),
        ("The mask does not match the image", UpstreamBadInput),
        (None, UpstreamBadInput),
    ],
)
def test_failed_task_reason_picks_the_error(
    reason: str | None, error: type[GenerationError]
) -> None:
    mapped = error_for_failed_task("42", reason)

    assert type(mapped) is error
    assert "kling task 42 failed" in mapped.message


def test_duplicate_external_id_is_recognised_in_several_spellings() -> None:
    assert is_duplicate_external_id(1201, "external_task_id already exists")
    assert is_duplicate_external_id(1201, "External task ID is duplicated")
    assert not is_duplicate_external_id(1201, "duration is invalid")
    assert not is_duplicate_external_id(1303, "external_task_id")


def test_task_object_phases() -> None:
    assert snapshot_for({"task_status": "submitted"}).phase == "queued"
    assert snapshot_for({"task_status": "processing"}).phase == "running"
    assert snapshot_for({"task_status": "a-new-status"}).phase == "running"


def test_succeeded_task_yields_the_first_video_without_headers() -> None:
    snapshot = snapshot_for(
        {
            "task_id": "1",
            "task_status": "succeed",
            "task_result": {
                "videos": [{"id": "v", "url": "https://cdn.example/v.mp4", "duration": "5.1"}]
            },
        }
    )

    assert snapshot.phase == "succeeded"
    assert snapshot.output == RemoteVideo("https://cdn.example/v.mp4")


def test_succeeded_task_without_a_video_is_invalid_output() -> None:
    snapshot = snapshot_for(
        {"task_id": "1", "task_status": "succeed", "task_result": {"videos": []}}
    )

    assert snapshot.phase == "failed"
    assert isinstance(snapshot.error, OutputInvalid)


def test_envelope_is_read_from_json_bodies_only() -> None:
    body = {"code": 1303, "message": "busy", "request_id": "r", "data": None}
    envelope = read_envelope(httpx.Response(429, json=body, headers={"retry-after": "3"}))

    assert envelope is not None
    assert (envelope.code, envelope.message, dict(envelope.data), envelope.ok) == (
        1303,
        "busy",
        {},
        False,
    )
    assert envelope.retry_after == 3.0
    assert read_envelope(httpx.Response(502, text="<html>")) is None
    assert read_envelope(httpx.Response(200, json={"code": "success"})) is None


def test_options_pick_the_regional_host_unless_a_base_url_is_set() -> None:
    def options(**changes: Any) -> KlingOptions:
        return KlingOptions.of(dataclasses.replace(Deployment("k", "kling"), **changes))

    assert options().base_url == "https://api-singapore.klingai.com"
    assert options(options={"region": "china"}).base_url == "https://api-beijing.klingai.com"
    assert options(base_url="http://proxy.local/").base_url == "http://proxy.local"
    assert options().recover_by_external_id is False
    assert options(options={"recover_by_external_id": True}).recover_by_external_id is True
    with pytest.raises(InvalidOptions, match="unknown kling option"):
        options(options={"regoin": "china"})
    with pytest.raises(InvalidOptions, match="true or false"):
        options(options={"recover_by_external_id": "yes"})
