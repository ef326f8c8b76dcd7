"""The fake MiniMax account: accepted keys, tasks, the state walk and named failure scenarios."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from tests.fakes.recording import RecordedRequest, RequestLog
from tests.fakes.scenarios import take_injection

__all__ = ["SCENARIOS", "FakeTask", "MiniMaxFake", "Recorded"]

Recorded = RecordedRequest
Endpoint = Literal["create", "query", "retrieve"]

FIRST_TASK_ID = 106916112212032
FIRST_FILE_ID = 205258526306433


@dataclass(frozen=True)
class Injection:
    """An answer forced on an endpoint: a ``base_resp`` code (HTTP 200) or an HTTP status."""

    on: Endpoint
    code: int = 0
    http_status: int = 200
    times: int | None = None  # None: every time


# Named failure scenarios; set ``fake.scenario`` to one of these names.
INJECTIONS: dict[str, Injection] = {
    "fails_on_submit": Injection("create", code=2013),
    "rate_limited_twice": Injection("create", code=1002, times=2),
    "rate_limited_forever": Injection("create", code=1002),
    "token_limited_once": Injection("create", code=1039, times=1),
    "rate_growth_limited_once": Injection("create", code=2045, times=1),
    "billing_exhausted": Injection("create", code=1008),
    "usage_window_exhausted": Injection("create", code=2056),
    "server_error_on_submit": Injection("create", http_status=503, times=1),
    "server_error_on_poll": Injection("query", http_status=502, times=1),
    "busy_on_poll": Injection("query", code=1033, times=2),
    "retrieve_busy_once": Injection("retrieve", code=1000, times=1),
}
# Scenarios that decide how a task ends: the ``base_resp`` code of its ``Fail`` answer.
FAIL_CODES = {"content_refused": 1026, "output_refused": 1027, "task_fails_unknown": 1000}
OTHER_SCENARIOS = frozenset({"times_out", "no_task_id"})
SCENARIOS = frozenset(INJECTIONS) | frozenset(FAIL_CODES) | OTHER_SCENARIOS


@dataclass
class FakeTask:
    task_id: str
    model: str
    file_id: int
    fail_code: int | None
    never_ends: bool
    polls: int = 0


@dataclass
class MiniMaxFake:
    """Configuration and memory of one fake MiniMax account.

    ``group_id``, when set, makes ``files/retrieve`` require a matching ``GroupId`` (the old
    contract). ``url_lifetime`` is how long a ``download_url`` stays valid (9 h upstream).
    """

    api_key: str = "test-minimax-key"
    group_id: str | None = None
    preparing_polls: int = 1
    queueing_polls: int = 1
    processing_polls: int = 1
    url_lifetime: float = 32_400.0
    scenario: str | None = None
    clock: Callable[[], float] = time.time
    requests: RequestLog = field(default_factory=RequestLog)
    tasks: dict[str, FakeTask] = field(default_factory=dict)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    fired: Counter[str] = field(default_factory=Counter)

    def calls(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        return self.requests.calls(path, method)

    @property
    def creates(self) -> list[RecordedRequest]:
        """Every create call received, in order (refused ones included)."""
        return self.calls("/v1/video_generation", "POST")

    def injected(self, endpoint: Endpoint) -> Injection | None:
        """The forced answer for this call of ``endpoint``, if the scenario has one left."""
        return take_injection(INJECTIONS, self.scenario or "", endpoint, self.fired)

    def new_task(self, model: str) -> FakeTask:
        index = len(self.tasks)
        task = FakeTask(
            task_id=str(FIRST_TASK_ID + index),
            model=model,
            file_id=FIRST_FILE_ID + index,
            fail_code=FAIL_CODES.get(self.scenario or ""),
            never_ends=self.scenario == "times_out",
        )
        self.tasks[task.task_id] = task
        return task

    def advance(self, task: FakeTask) -> str:
        """Count one query of ``task`` and return its status after it."""
        task.polls += 1
        walk = (
            ["Preparing"] * self.preparing_polls
            + ["Queueing"] * self.queueing_polls
            + ["Processing"] * self.processing_polls
        )
        if task.polls <= len(walk):
            return walk[task.polls - 1]
        if task.never_ends:
            return "Processing"
        return "Fail" if task.fail_code is not None else "Success"

    def task_by_file(self, file_id: str) -> FakeTask | None:
        return next((t for t in self.tasks.values() if str(t.file_id) == file_id), None)
