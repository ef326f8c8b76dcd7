"""Named failure scenarios of the Kling fake: set ``fake.scenario = "<name>"``.

Error injections answer a create call (``on="create"``), a task query (``on="poll"``) or any
call (``on="any"``) with Kling's envelope; ``times`` bounds how often (None = always).
Task outcomes let the create succeed and make the task end ``failed`` with a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Stage = Literal["create", "poll", "any"]


@dataclass(frozen=True, slots=True)
class Injection:
    on: Stage
    http_status: int
    code: int
    message: str
    times: int | None = None
    # The create goes through (a task exists) but the answer is this error.
    after_creating: bool = False


INJECTIONS: dict[str, Injection] = {
    "billing_exhausted": Injection("create", 429, 1102, "Account balance not enough"),
    "account_in_arrears": Injection("create", 429, 1101, "Account is in arrears"),
    "account_abnormal": Injection("create", 429, 1100, "Account exception"),
    "ip_not_whitelisted": Injection("create", 429, 1304, "IP is not in the whitelist"),
    "no_model_access": Injection("create", 403, 1103, "No permission to access the model"),
    "rate_limited_twice": Injection("create", 429, 1302, "Request rate too high", times=2),
    "rate_limited_always": Injection("create", 429, 1302, "Request rate too high"),
    "concurrency_limited_twice": Injection(
        "create", 429, 1303, "parallel task over resource pack limit", times=2
    ),
    "content_refused": Injection("create", 400, 1301, "Content security policy triggered"),
    "platform_policy": Injection("create", 400, 1300, "Platform policy triggered"),
    "fails_on_submit": Injection("create", 500, 5000, "Server internal error"),
    "server_error_on_submit_once": Injection("create", 500, 5000, "Server internal error", 1),
    "unavailable_on_submit_once": Injection("create", 503, 5001, "Service maintenance", 1),
    "timeout_on_submit_once": Injection("create", 504, 5002, "Server timeout", 1),
    "creates_then_errors_once": Injection(
        "create", 504, 5002, "Server timeout", times=1, after_creating=True
    ),
    "server_error_on_poll": Injection("poll", 500, 5000, "Server internal error", times=2),
    "unavailable_on_poll": Injection("poll", 503, 5001, "Service maintenance", times=2),
    "timeout_on_poll": Injection("poll", 504, 5002, "Server timeout", times=2),
    "down_on_poll": Injection("poll", 503, 5001, "Service maintenance"),
    "token_expired_once": Injection("any", 401, 1004, "Token expired", times=1),
}

TASK_FAILURES: dict[str, str] = {
    "content_risk_on_task": "Failure to pass the risk control system",
    "task_failed": "The mask does not match the image in aspect ratio",
    "task_internal_error": "Internal error, please try again later",
}

ALL_SCENARIOS = frozenset(INJECTIONS) | frozenset(TASK_FAILURES) | {"succeeds"}
