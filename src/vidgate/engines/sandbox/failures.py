"""Failures the sandbox simulates, so applications can rehearse their error handling.

A prompt containing ``[sandbox:fail]`` is refused as content; ``[sandbox:fail=<name>]``
fails with the generation error of that name (``timeout``, ``vendor_unavailable``, ... as
listed in ``GENERATION_ERRORS``). Otherwise a job fails at random with probability
``failure_rate``, drawn from its id so a job always meets the same fate.
"""

from __future__ import annotations

import random
import re

from vidgate.domain.errors import (
    GENERATION_ERRORS,
    ContentRefused,
    EngineCrashed,
    GenerationError,
    GenerationTimeout,
    UpstreamUnavailable,
)

FAIL_TAG = re.compile(r"\[sandbox:fail(?:=(?P<name>[^\]\s]*))?\]", re.IGNORECASE)
RANDOM_FAILURES: tuple[type[GenerationError], ...] = (
    UpstreamUnavailable,
    GenerationTimeout,
    EngineCrashed,
    ContentRefused,
)


def planned_failure(job_id: str, prompt: str, failure_rate: float) -> GenerationError | None:
    """The error this job is to fail with, or None when it is to succeed."""
    tag = FAIL_TAG.search(prompt)
    if tag is not None:
        return _asked_for(tag.group(0), (tag.group("name") or "").lower())
    draw = random.Random(job_id)
    if draw.random() >= failure_rate:
        return None
    error = RANDOM_FAILURES[draw.randrange(len(RANDOM_FAILURES))]
    return error(
        f"simulated sandbox failure ({error.name}): the sandbox fails about "
        f"{failure_rate:.0%} of jobs at random, as configured"
    )


def _asked_for(tag: str, name: str) -> GenerationError:
    error = GENERATION_ERRORS.get(name, ContentRefused)
    return error(f"simulated sandbox failure ({error.name}): the prompt contains {tag}")
