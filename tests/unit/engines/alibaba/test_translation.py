"""The pure parts of the Alibaba engine: codes, task states, sizes, options."""

from __future__ import annotations

from typing import Any

import pytest

from vidgate.domain.errors import (
    Cancelled,
    ContentRefused,
    GenerationError,
    OutputInvalid,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamLost,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.domain.routing import Deployment
from vidgate.engines.alibaba.errors import error_for_code, error_for_failed_task
from vidgate.engines.alibaba.mapping import size_for
from vidgate.engines.alibaba.options import AlibabaOptions
from vidgate.engines.alibaba.tasks import snapshot_for
from vidgate.engines.options import InvalidOptions
from vidgate.engines.protocol import RemoteVideo


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("InvalidParameter", UpstreamBadInput),
        ("InvalidParameter.DataInspection", UpstreamBadInput),
        ("DataInspectionFailed", ContentRefused),
        ("BadRequest.EmptyInput", UpstreamBadInput),
        ("BadRequest.TooLarge", UpstreamBadInput),
        ("InvalidURL", UpstreamBadInput),
        ("Arrearage", UpstreamQuota),
        ("InvalidApiKey", UpstreamAuth),
        ("AccessDenied", UpstreamAuth),
        ("AccessDenied.Unpurchased", UpstreamAuth),
        ("Throttling", UpstreamRateLimited),
        ("Throttling.RateQuota", UpstreamRateLimited),
        ("Throttling.AllocationQuota", UpstreamRateLimited),
        ("InternalError", UpstreamUnavailable),
        ("InternalError.Algo", UpstreamUnavailable),
        ("RequestTimeOut", UpstreamUnavailable),
    ],
)
def test_codes_map_to_the_error_tree(code: str, expected: type[GenerationError]) -> None:
    error = error_for_code(code, "why", http_status=400)

    assert type(error) is expected
    assert error is not None and code in error.message and "why" in error.message


def test_retry_advice_is_kept_on_transient_errors() -> None:
    error = error_for_code("Throttling.RateQuota", "slow down", retry_after=3.0)

    assert isinstance(error, UpstreamRateLimited) and error.retry_after == 3.0


def test_an_unknown_code_is_left_to_the_http_status() -> None:
    assert error_for_code("SomethingNew", "?") is None
    assert type(error_for_failed_task("t", "SomethingNew", "odd")) is UpstreamBadInput


@pytest.mark.parametrize(
    ("status", "phase"),
    [("PENDING", "queued"), ("SUSPENDED", "queued"), ("RUNNING", "running"), ("NEW", "running")],
)
def test_waiting_states(status: str, phase: str) -> None:
    snapshot = snapshot_for({"task_id": "t", "task_status": status})

    assert (snapshot.phase, snapshot.vendor_status) == (phase, status)


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ({"task_status": "FAILED", "code": "DataInspectionFailed", "message": "m"}, ContentRefused),
        ({"task_status": "FAILED"}, UpstreamBadInput),
        ({"task_status": "CANCELED"}, Cancelled),
        ({"task_status": "UNKNOWN"}, UpstreamLost),
        ({"task_status": "SUCCEEDED"}, OutputInvalid),
    ],
)
def test_terminal_failures(output: dict[str, Any], expected: type[GenerationError]) -> None:
    snapshot = snapshot_for({"task_id": "t1", **output})

    assert snapshot.phase == "failed"
    assert type(snapshot.error) is expected
    assert "t1" in str(snapshot.error)


def test_success_hands_over_the_signed_url_without_headers() -> None:
    url = "https://dashscope-result.oss.example/x.mp4?Expires=1&Signature=s"

    snapshot = snapshot_for({"task_id": "t", "task_status": "SUCCEEDED", "video_url": url})

    assert snapshot.phase == "succeeded"
    assert snapshot.output == RemoteVideo(url)


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [
        ("16:9", "480p", "832*480"),
        ("9:16", "480p", "480*832"),
        (None, "480p", "832*480"),
        ("16:9", "720p", "1280*720"),
        ("9:16", "720p", "720*1280"),
    ],
)
def test_sizes(aspect: str | None, resolution: Any, size: str) -> None:
    assert size_for(aspect, resolution) == size


@pytest.mark.parametrize(
    ("options", "base_url", "model"),
    [
        ({}, "https://dashscope-intl.aliyuncs.com", "wan2.1-t2v-turbo"),
        ({"region": "cn"}, "https://dashscope.aliyuncs.com", "wanx2.1-t2v-turbo"),
        ({"region": "us"}, "https://dashscope-us.aliyuncs.com", "wan2.1-t2v-turbo"),
    ],
)
def test_regions_pick_host_and_model(options: dict[str, Any], base_url: str, model: str) -> None:
    parsed = AlibabaOptions.of(Deployment(name="d", engine="alibaba", options=options))

    assert (parsed.base_url, parsed.default_model) == (base_url, model)


def test_base_url_replaces_the_host() -> None:
    deployment = Deployment(
        name="d",
        engine="alibaba",
        base_url="https://ws-1.cn-beijing.maas.aliyuncs.com/",
        options={"region": "cn"},
    )

    assert AlibabaOptions.of(deployment).base_url == "https://ws-1.cn-beijing.maas.aliyuncs.com"


@pytest.mark.parametrize(
    "options",
    [{"region": "eu"}, {"resolution": "1080p"}, {"workspace": ""}, {"regoin": "cn"}],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidOptions):
        AlibabaOptions.of(Deployment(name="d", engine="alibaba", options=options))
