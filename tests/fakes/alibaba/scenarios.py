"""Named scenarios of the DashScope fake: set ``fake.scenario = "<name>"``.

Injections answer a create call (``on="create"``) or a task query (``on="poll"``) with
DashScope's error body (or, for a gateway's 503/504, an HTML page); ``times`` bounds how
often (None = always). Task outcomes let the create succeed and decide how the task ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Stage = Literal["create", "poll"]
TaskEnd = Literal["SUCCEEDED", "FAILED", "CANCELED"]

INTERNAL = "An internal error has occured, please try again later or contact service support."


@dataclass(frozen=True, slots=True)
class Injection:
    on: Stage
    http_status: int
    code: str
    message: str
    times: int | None = None
    html: bool = False


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    end: TaskEnd
    code: str = ""
    message: str = ""


INJECTIONS: dict[str, Injection] = {
    "rate_limited_twice": Injection(
        "create",
        429,
        "Throttling.RateQuota",
        "Requests rate limit exceeded, please try again later.",
        2,
    ),
    "rate_limited_always": Injection(
        "create",
        429,
        "Throttling.RateQuota",
        "Requests rate limit exceeded, please try again later.",
    ),
    "arrearage": Injection(
        "create",
        400,
        "Arrearage",
        "Access denied, please make sure your account is in good standing.",
    ),
    "model_not_activated": Injection(
        "create",
        403,
        "AccessDenied.Unpurchased",
        "Access to model denied. Please make sure you are eligible for using the model.",
    ),
    "prompt_refused": Injection(
        "create", 400, "DataInspectionFailed", "Input data may contain inappropriate content."
    ),
    "fails_on_submit": Injection("create", 500, "InternalError", INTERNAL),
    "server_error_on_submit_once": Injection("create", 500, "InternalError", INTERNAL, 1),
    "server_error_on_poll": Injection("poll", 500, "InternalError", INTERNAL, 2),
    "unavailable_on_poll": Injection("poll", 503, "", "Service Unavailable", 2, html=True),
    "gateway_timeout_on_poll": Injection("poll", 504, "", "Gateway Time-out", 2, html=True),
    "down_on_poll": Injection("poll", 503, "", "Service Unavailable", html=True),
}

TASK_OUTCOMES: dict[str, TaskOutcome] = {
    "succeeds": TaskOutcome("SUCCEEDED"),
    "content_refused_on_task": TaskOutcome(
        "FAILED", "DataInspectionFailed", "Output data may contain inappropriate content."
    ),
    "task_failed_invalid_parameter": TaskOutcome(
        "FAILED", "InvalidParameter", "The prompt could not be understood by the model."
    ),
    "task_internal_error": TaskOutcome("FAILED", "InternalError.Algo", "Algorithm process error."),
    "canceled_at_vendor": TaskOutcome("CANCELED"),
}

ALL_SCENARIOS = frozenset(INJECTIONS) | frozenset(TASK_OUTCOMES)


def outcome_for(scenario: str) -> TaskOutcome:
    return TASK_OUTCOMES.get(scenario, TASK_OUTCOMES["succeeds"])
