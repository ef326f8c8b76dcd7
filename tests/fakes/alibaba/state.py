"""What the DashScope fake knows: its region, limits, tasks and every request it received."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

from tests.fakes.alibaba.scenarios import (
    ALL_SCENARIOS,
    INJECTIONS,
    Injection,
    TaskOutcome,
    outcome_for,
)
from tests.fakes.recording import RecordedRequest, RequestLog
from tests.fakes.scenarios import check_scenario, take_injection

__all__ = ["AlibabaFake", "FakeTask", "RecordedRequest", "beijing_time"]

Region = Literal["intl", "cn"]
TaskStatus = Literal["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED"]
REGION_MODELS: dict[Region, frozenset[str]] = {
    "intl": frozenset({"wan2.1-t2v-turbo", "wan2.1-t2v-plus"}),
    "cn": frozenset({"wanx2.1-t2v-turbo", "wanx2.1-t2v-plus"}),
}
# DashScope's times are Beijing local time without a zone.
BEIJING = timezone(timedelta(hours=8))


@dataclass
class FakeTask:
    task_id: str
    body: dict[str, Any]
    outcome: TaskOutcome
    submitted_at: float
    status: TaskStatus = "PENDING"
    polls: int = 0
    scheduled_at: float | None = None
    ended_at: float | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("SUCCEEDED", "FAILED", "CANCELED")


@dataclass
class AlibabaFake:
    """Configuration and state of one fake DashScope region.

    A task answers PENDING for ``pending_polls`` queries, RUNNING for ``running_polls``,
    then ends as the scenario decided at creation. Creates are limited to ``max_qps`` per
    second and ``max_concurrent`` unfinished tasks (429 Throttling.RateQuota). A task older
    than ``task_ttl`` reads UNKNOWN; a result link stops working ``link_ttl`` seconds after
    the task ended. ``other_region_key`` is a valid key of another region: refused here.
    """

    region: Region = "intl"
    api_key: str = "sk-intl-0123456789abcdef"
    other_region_key: str = "sk-cn-fedcba9876543210"
    scenario: str = "succeeds"
    pending_polls: int = 1
    running_polls: int = 2
    max_qps: int | None = 2
    max_concurrent: int | None = 2
    durations: frozenset[int] = frozenset({5})
    link_ttl: float = 86400.0
    task_ttl: float = 86400.0
    clock: Callable[[], float] = time.time
    tasks: dict[str, FakeTask] = field(default_factory=dict)
    requests: RequestLog = field(default_factory=RequestLog)
    create_times: list[float] = field(default_factory=list)
    fired: Counter[str] = field(default_factory=Counter)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "scenario":
            check_scenario("alibaba", value, ALL_SCENARIOS)
        super().__setattr__(name, value)

    @property
    def models(self) -> frozenset[str]:
        return REGION_MODELS[self.region]

    def creates(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/video-synthesis")]

    def queries(self) -> list[RecordedRequest]:
        return [
            r for r in self.requests if r.method == "GET" and r.path.startswith("/api/v1/tasks/")
        ]

    def cancels(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/cancel")]

    def take_injection(self, stage: str) -> Injection | None:
        return take_injection(INJECTIONS, self.scenario, stage, self.fired)

    def over_rate(self) -> bool:
        """Counts this create attempt against the per-second submission limit."""
        now = self.clock()
        self.create_times = [t for t in self.create_times if now - t < 1.0] + [now]
        return self.max_qps is not None and len(self.create_times) > self.max_qps

    def over_concurrency(self) -> bool:
        unfinished = sum(1 for task in self.tasks.values() if not task.finished)
        return self.max_concurrent is not None and unfinished >= self.max_concurrent

    def new_task(self, body: dict[str, Any]) -> FakeTask:
        task = FakeTask(str(uuid.uuid4()), body, outcome_for(self.scenario), self.clock())
        self.tasks[task.task_id] = task
        return task

    def find_task(self, task_id: str) -> FakeTask | None:
        task = self.tasks.get(task_id)
        if task is None or self.clock() > task.submitted_at + self.task_ttl:
            return None
        return task

    def advance(self, task: FakeTask) -> None:
        """One query moves the task along its life."""
        if task.finished:
            return
        task.polls += 1
        if task.polls <= self.pending_polls:
            return
        if task.polls <= self.pending_polls + self.running_polls:
            if task.status == "PENDING":
                task.status, task.scheduled_at = "RUNNING", self.clock()
            return
        task.status, task.ended_at = task.outcome.end, self.clock()

    def cancel(self, task: FakeTask) -> bool:
        if task.status != "PENDING":
            return False
        task.status, task.ended_at = "CANCELED", self.clock()
        return True

    def link_alive(self, task: FakeTask) -> bool:
        return task.ended_at is not None and self.clock() <= task.ended_at + self.link_ttl


def beijing_time(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    moment = datetime.fromtimestamp(seconds, UTC).astimezone(BEIJING)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
