"""Which jobs the sandbox fails on purpose, and with what error."""

from __future__ import annotations

import pytest

from vidgate.domain.errors import GENERATION_ERRORS, ContentRefused, GenerationError
from vidgate.engines.sandbox.failures import RANDOM_FAILURES, planned_failure

IDS = [f"video_{n:04d}" for n in range(400)]


def test_no_tag_and_no_failure_rate_never_fails() -> None:
    assert all(planned_failure(job_id, "a cat", 0.0) is None for job_id in IDS)


def test_a_failure_rate_of_one_always_fails() -> None:
    failures = [planned_failure(job_id, "a cat", 1.0) for job_id in IDS]

    assert all(isinstance(f, RANDOM_FAILURES) for f in failures)
    assert all("simulated sandbox failure" in f.message for f in failures if f is not None)
    assert {type(f) for f in failures} == set(RANDOM_FAILURES)


def test_the_failure_rate_is_drawn_from_the_job_id() -> None:
    first = [_name(planned_failure(job_id, "a cat", 0.3)) for job_id in IDS]
    second = [_name(planned_failure(job_id, "a cat", 0.3)) for job_id in IDS]

    assert first == second
    assert 0.2 < sum(name != "ok" for name in first) / len(IDS) < 0.4


@pytest.mark.parametrize("name", sorted(GENERATION_ERRORS))
def test_a_named_tag_fails_with_that_error(name: str) -> None:
    failure = planned_failure("video_1", f"a cat [sandbox:fail={name}]", 0.0)

    assert type(failure) is GENERATION_ERRORS[name]
    assert failure is not None and "simulated sandbox failure" in failure.message


@pytest.mark.parametrize(
    "prompt",
    [
        "[sandbox:fail]",
        "a cat [Sandbox:Fail] on a mat",
        "[sandbox:fail=]",
        "[sandbox:fail=nope]",
        "[sandbox:fail=time-out]",
    ],
)
def test_a_plain_or_unknown_tag_refuses_the_content(prompt: str) -> None:
    assert type(planned_failure("video_1", prompt, 0.0)) is ContentRefused


@pytest.mark.parametrize("prompt", ["sandbox:fail", "[sandbox: fail]", "[sandbox:failure]"])
def test_near_misses_are_not_tags(prompt: str) -> None:
    assert planned_failure("video_1", prompt, 0.0) is None


def _name(failure: GenerationError | None) -> str:
    return "ok" if failure is None else failure.name
