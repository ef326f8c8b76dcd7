"""The fake Runway organisation: accepted key, tasks, the state walk, limits and scenarios."""

from __future__ import annotations

import secrets
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from tests.fakes.recording import RecordedRequest, RequestLog
from tests.fakes.scenarios import take_injection

__all__ = ["SCENARIOS", "Recorded", "RunwayFake", "RunwayTask"]

Recorded = RecordedRequest
Endpoint = Literal["create", "task", "delete"]
API_VERSION = "2024-11-06"
DAY = 24 * 3600.0
WAITING = frozenset({"PENDING", "THROTTLED"})
TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED", "CANCELED"})


@dataclass(frozen=True)
class Injection:
    """An HTTP error answer forced on an endpoint, ``times`` times (None: every time)."""

    on: Endpoint
    status: int
    error: str = "Service unavailable"
    times: int | None = None


@dataclass(frozen=True)
class Ending:
    """How a task ends: its final status, ``failureCode`` and ``failure`` text."""

    status: str
    code: str | None = None
    failure: str | None = None


# Named failure scenarios; set ``fake.scenario`` to one of these names.
INJECTIONS: dict[str, Injection] = {
    "fails_on_submit": Injection("create", 400, "promptImage: Invalid asset"),
    "billing_exhausted": Injection(
        "create", 400, "You do not have enough credits to run this task."
    ),
    "rate_limited_twice": Injection("create", 429, "Too many requests", times=2),
    "server_error_on_submit": Injection("create", 503, times=1),
    "unavailable_forever": Injection("create", 502),
    "server_error_on_poll": Injection("task", 502, times=1),
    "overloaded_on_poll": Injection("task", 504, "Overloaded", times=2),
}
ENDINGS: dict[str, Ending] = {
    "content_refused": Ending("FAILED", "SAFETY.INPUT.IMAGE", "The image was flagged."),
    "output_refused": Ending("FAILED", "SAFETY.OUTPUT.VIDEO", "The output was flagged."),
    "prompt_refused": Ending("FAILED", "INPUT_PREPROCESSING.SAFETY.TEXT", "Prompt flagged."),
    "asset_invalid": Ending("FAILED", "ASSET.INVALID", "Could not decode the image at /tmp/x."),
    "bad_output": Ending("FAILED", "INTERNAL.BAD_OUTPUT.CODE01", "Output quality too low."),
    "internal_failure": Ending("FAILED", "INTERNAL", "An unexpected error occurred."),
    "failure_without_code": Ending("FAILED", None, "Something went wrong."),
    "cancelled_upstream": Ending("CANCELLED"),
    "canceled_upstream": Ending("CANCELED"),
}
OTHER_SCENARIOS = frozenset({"times_out", "no_task_id"})
SCENARIOS = frozenset(INJECTIONS) | frozenset(ENDINGS) | OTHER_SCENARIOS


@dataclass
class RunwayTask:
    id: str
    model: str
    created_at: float
    status: str
    ending: Ending
    never_ends: bool
    polls: int = 0
    run_polls: int = 0
    deleted: bool = False
    status_when_deleted: str | None = None


@dataclass
class RunwayFake:
    """Configuration and memory of one fake Runway organisation.

    ``concurrency`` caps the PENDING/RUNNING tasks per model (extra tasks wait in THROTTLED);
    ``daily_limit`` caps the tasks created per model in a rolling day (then 429).
    ``url_lifetime`` is how long each signed output URL stays valid; every GET re-signs.
    """

    api_key: str = "test-runway-key"
    pending_polls: int = 1
    running_polls: int = 2
    concurrency: int | None = None
    daily_limit: int | None = None
    url_lifetime: float = 3600.0
    watermark_allowed: bool = False
    scenario: str | None = None
    clock: Callable[[], float] = time.time
    requests: RequestLog = field(default_factory=RequestLog)
    tasks: dict[str, RunwayTask] = field(default_factory=dict)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    fired: Counter[str] = field(default_factory=Counter)

    def calls(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        return self.requests.calls(path, method)

    @property
    def creates(self) -> list[RecordedRequest]:
        """Every create call received, in order (refused ones included)."""
        return self.calls("/v1/image_to_video", "POST")

    def task_polls(self, task_id: str) -> list[RecordedRequest]:
        return self.calls(f"/v1/tasks/{task_id}", "GET")

    def injected(self, endpoint: Endpoint) -> Injection | None:
        """The forced answer for this call of ``endpoint``, if the scenario has one left."""
        return take_injection(INJECTIONS, self.scenario or "", endpoint, self.fired)

    def over_daily_limit(self, model: str) -> bool:
        if self.daily_limit is None:
            return False
        since = self.clock() - DAY
        today = [t for t in self.tasks.values() if t.model == model and t.created_at > since]
        return len(today) >= self.daily_limit

    def new_task(self, model: str) -> RunwayTask:
        status = "PENDING" if self._slot_free(model) else "THROTTLED"
        task = RunwayTask(
            id=str(uuid.uuid4()),
            model=model,
            created_at=self.clock(),
            status=status,
            ending=ENDINGS.get(self.scenario or "", Ending("SUCCEEDED")),
            never_ends=self.scenario == "times_out",
        )
        self.tasks[task.id] = task
        return task

    def visible(self, task_id: str) -> RunwayTask | None:
        task = self.tasks.get(task_id)
        return None if task is None or task.deleted else task

    def advance(self, task: RunwayTask) -> None:
        """One GET's worth of progress: THROTTLED → PENDING → RUNNING → the ending."""
        if task.status == "THROTTLED" and self._next_in_line(task):
            task.status = "PENDING"
        elif task.status == "PENDING":
            task.polls += 1
            if task.polls > self.pending_polls:
                task.status, task.run_polls = "RUNNING", 1
        elif task.status == "RUNNING" and not task.never_ends:
            task.run_polls += 1
            if task.run_polls > self.running_polls:
                task.status = task.ending.status

    def progress(self, task: RunwayTask) -> float:
        return round(min(task.run_polls, self.running_polls) / (self.running_polls + 1), 2)

    def delete(self, task: RunwayTask) -> None:
        task.status_when_deleted = task.status
        if task.status not in TERMINAL:
            task.status = "CANCELLED"
        task.deleted = True

    def _next_in_line(self, task: RunwayTask) -> bool:
        """Throttled tasks get a free slot in the order they were created."""
        waiting = [
            t for t in self.tasks.values() if t.model == task.model and t.status == "THROTTLED"
        ]
        return self._slot_free(task.model) and waiting[0] is task

    def _slot_free(self, model: str) -> bool:
        if self.concurrency is None:
            return True
        active = [
            t
            for t in self.tasks.values()
            if t.model == model and not t.deleted and t.status in ("PENDING", "RUNNING")
        ]
        return len(active) < self.concurrency
