"""Named scenarios of the Google fake: set ``fake.scenario = "<name>"``.

Injections answer a create call (``on="create"``) or a poll (``on="poll"``) with Google's
error envelope; ``times`` bounds how often (None = always). Outcomes let the create succeed
and decide how the operation ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Stage = Literal["create", "poll"]
OutcomeKind = Literal["video", "inline_video", "filtered", "error"]

RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"
REFUSAL = (
    "The prompt could not be submitted. This prompt contains sensitive words that violate "
    "Google's Responsible AI practices. Try rephrasing the prompt. Support codes: 15236754"
)


@dataclass(frozen=True, slots=True)
class Injection:
    on: Stage
    http_status: int
    status: str
    message: str
    times: int | None = None
    details: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    error_code: int = 0
    message: str = ""
    reasons: tuple[str, ...] = field(default=())


_RETRY_IN_2S = ({"@type": RETRY_INFO, "retryDelay": "2s"},)
_PER_DAY = (
    {
        "@type": QUOTA_FAILURE,
        "violations": [
            {
                "quotaMetric": "generativelanguage.googleapis.com/predict_long_running_requests",
                "quotaId": "PredictLongRunningRequestsPerDayPerProjectPerModel",
            }
        ],
    },
)

INJECTIONS: dict[str, Injection] = {
    "rate_limited_twice": Injection(
        "create", 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted", 2, _RETRY_IN_2S
    ),
    "rate_limited_always": Injection(
        "create", 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted"
    ),
    "daily_quota_exhausted": Injection(
        "create", 429, "RESOURCE_EXHAUSTED", "Quota exceeded for requests per day", None, _PER_DAY
    ),
    "billing_not_enabled": Injection(
        "create",
        400,
        "FAILED_PRECONDITION",
        "Veo is only available to users with billing enabled on their project",
    ),
    "prompt_refused": Injection("create", 400, "INVALID_ARGUMENT", REFUSAL),
    "model_not_allowed": Injection(
        "create", 403, "PERMISSION_DENIED", "The caller does not have permission"
    ),
    "fails_on_submit": Injection("create", 500, "INTERNAL", "Internal error encountered."),
    "unavailable_on_submit_once": Injection(
        "create", 503, "UNAVAILABLE", "The service is currently unavailable.", 1
    ),
    "unavailable_on_poll": Injection(
        "poll", 503, "UNAVAILABLE", "The service is currently unavailable.", 2
    ),
    "deadline_on_poll_once": Injection(
        "poll", 504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.", 1
    ),
    "down_on_poll": Injection("poll", 503, "UNAVAILABLE", "The service is currently unavailable."),
}

OUTCOMES: dict[str, Outcome] = {
    "succeeds": Outcome("video"),
    "inline_video": Outcome("inline_video"),
    "content_filtered": Outcome(
        "filtered",
        reasons=(
            "Unable to show generated videos. All videos were filtered out because they "
            "violated Vertex AI's usage guidelines. Support codes: 64151117",
        ),
    ),
    "operation_error": Outcome(
        "error", 3, "The input image aspect ratio is not supported for this model."
    ),
    "operation_internal_error": Outcome("error", 13, "Internal error during video generation."),
    "operation_quota_error": Outcome("error", 8, "Resource exhausted, please retry later."),
}

ALL_SCENARIOS = frozenset(INJECTIONS) | frozenset(OUTCOMES)


def outcome_for(scenario: str) -> Outcome:
    return OUTCOMES.get(scenario, OUTCOMES["succeeds"])
