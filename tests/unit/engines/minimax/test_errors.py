"""MiniMax's ``base_resp`` codes mapped onto the domain error tree (pure)."""

from __future__ import annotations

import pytest

from vidgate.domain.errors import (
    ContentRefused,
    GenerationError,
    UpstreamAuth,
    UpstreamBadInput,
    UpstreamQuota,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from vidgate.engines.minimax.errors import error_for_code, error_for_failed_task


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (1002, UpstreamRateLimited),
        (1039, UpstreamRateLimited),
        (1041, UpstreamRateLimited),
        (2045, UpstreamRateLimited),
        (1000, UpstreamUnavailable),
        (1001, UpstreamUnavailable),
        (1024, UpstreamUnavailable),
        (1033, UpstreamUnavailable),
        (1004, UpstreamAuth),
        (2049, UpstreamAuth),
        (1008, UpstreamQuota),
        (2056, UpstreamQuota),
        (2013, UpstreamBadInput),
        (1026, ContentRefused),
        (1027, ContentRefused),
        (4242, UpstreamBadInput),
    ],
)
def test_each_documented_code_maps_to_its_error(code: int, error: type[GenerationError]) -> None:
    mapped = error_for_code(code, "vendor words")

    assert type(mapped) is error
    assert mapped.message.startswith(f"minimax code {code}, ")
    assert "vendor words" in mapped.message


def test_transient_codes_carry_the_retry_advice() -> None:
    mapped = error_for_code(1002, "rate limit", retry_after=30.0)

    assert isinstance(mapped, UpstreamRateLimited)
    assert mapped.retry_after == 30.0


def test_failed_task_names_the_task_and_its_code() -> None:
    mapped = error_for_failed_task("106916112212032", 1027, "output new_sensitive")

    assert isinstance(mapped, ContentRefused)
    assert mapped.message.startswith("minimax task 106916112212032 failed: code 1027, ")


def test_failed_task_without_a_code_is_a_plain_failure() -> None:
    mapped = error_for_failed_task("1", 0, "")

    assert isinstance(mapped, UpstreamBadInput)
    assert "without giving a reason" in mapped.message
