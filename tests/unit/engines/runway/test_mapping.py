"""AIML fields → Runway's request, and Runway's codes → domain errors (pure)."""

from __future__ import annotations

import httpx
import pytest

from tests.unit.engines.runway.conftest import deployment, make_job
from vidgate.domain.errors import (
    ContentRefused,
    GenerationError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.engines.runway.errors import error_for_failed_task, error_for_response
from vidgate.engines.runway.mapping import build_request, fetchable, vendor_model
from vidgate.engines.runway.responses import percent

GEN4 = {
    "16:9": "1280:720",
    "9:16": "720:1280",
    "4:3": "1104:832",
    "3:4": "832:1104",
    "1:1": "960:960",
    "21:9": "1584:672",
}
GEN3A = {"16:9": "1280:768", "9:16": "768:1280"}


@pytest.mark.parametrize(
    ("model_id", "aspect", "wire"),
    [("runway/gen4_turbo", a, w) for a, w in GEN4.items()]
    + [("gen3a_turbo", a, w) for a, w in GEN3A.items()],
)
def test_each_aiml_ratio_becomes_the_model_s_pixel_ratio(
    model_id: str, aspect: str, wire: str
) -> None:
    job = make_job(model_id, ratio=aspect)

    assert build_request(job, model=vendor_model(job), send_watermark=False)["ratio"] == wire


def test_ratio_follows_the_vendor_model_an_operator_routes_to() -> None:
    job = make_job("gen3a_turbo", on=deployment(vendor_models={"gen3a_turbo": "gen4_turbo"}))

    body = build_request(job, model=vendor_model(job), send_watermark=False)

    assert (body["model"], body["ratio"]) == ("gen4_turbo", "1280:720")


def test_ratio_the_routed_model_lacks_is_refused() -> None:
    job = make_job(
        "runway/gen4_turbo",
        ratio="1:1",
        on=deployment(vendor_models={"runway/gen4_turbo": "gen3a_turbo"}),
    )

    with pytest.raises(UpstreamBadInput, match="no ratio '1:1'"):
        build_request(job, model=vendor_model(job), send_watermark=False)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("SAFETY.INPUT.TEXT", ContentRefused),
        ("SAFETY.INPUT.IMAGE", ContentRefused),
        ("SAFETY.OUTPUT.VIDEO", ContentRefused),
        ("INPUT_PREPROCESSING.SAFETY.TEXT", ContentRefused),
        ("ASSET.INVALID", UpstreamBadInput),
        ("INTERNAL.BAD_OUTPUT.CODE01", UpstreamBadInput),
        ("INTERNAL", UpstreamUnavailable),
        ("INPUT_PREPROCESSING.INTERNAL", UpstreamUnavailable),
        ("SOMETHING.NEW", UpstreamBadInput),
        (None, UpstreamBadInput),
    ],
)
def test_failure_codes_map_to_domain_errors(code: str | None, error: type[GenerationError]) -> None:
    mapped = error_for_failed_task("task-1", code)

    assert type(mapped) is error
    assert f"failure code {code or 'none given'}" in mapped.message


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (400, {"error": "Invalid ratio"}, UpstreamBadInput),
        (400, {"error": "You do not have enough credits to run this task."}, UpstreamQuota),
        (401, {"error": "Invalid API key"}, UpstreamAuth),
        (404, {"error": "Not found"}, UpstreamBadInput),
        (405, {"error": "Method not allowed"}, UpstreamBadInput),
        (429, {"error": "Too many requests"}, UpstreamRateLimited),
        (502, {"error": "Bad gateway"}, UpstreamUnavailable),
        (503, {"error": "Unavailable"}, UpstreamUnavailable),
        (504, {"error": "Overloaded"}, UpstreamUnavailable),
    ],
)
def test_http_errors_map_per_runway_s_table(
    status: int, body: dict[str, str], error: type[GenerationError]
) -> None:
    mapped = error_for_response(httpx.Response(status, json=body))

    assert type(mapped) is error
    assert body["error"] in mapped.message


def test_retry_after_is_kept_for_a_429() -> None:
    mapped = error_for_response(httpx.Response(429, headers={"Retry-After": "12"}, json={}))

    assert isinstance(mapped, UpstreamRateLimited)
    assert mapped.retry_after == 12.0


@pytest.mark.parametrize(
    ("progress", "expected"),
    [(0, 0), (0.004, 0), (0.5, 50), (0.999, 99), (1.0, 99), (42, 42), (None, None), ("x", None)],
)
def test_progress_fraction_becomes_a_percentage_below_100(
    progress: object, expected: int | None
) -> None:
    assert percent(progress) == expected


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://cdn.example.com/a.png", True),
        ("http://cdn.example.com/a.png", False),
        ("https://[2001:db8::1]/a.png", False),
        ("https://192.0.2.1/a.png", False),
        ("https://cdn.example.com/" + "a" * 2048, False),
    ],
)
def test_only_urls_runway_can_fetch_are_forwarded(url: str, ok: bool) -> None:
    assert fetchable(url) is ok
