"""What the Kling fake knows: its configuration, its tasks and every request it received."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakes.kling.scenarios import ALL_SCENARIOS, INJECTIONS, TASK_FAILURES, Injection
from tests.fakes.recording import RecordedRequest, RequestLog
from tests.fakes.scenarios import check_scenario, take_injection

__all__ = ["FakeTask", "KlingFake", "RecordedRequest"]

TaskStatus = Literal["submitted", "processing", "succeed", "failed"]
FIRST_TASK_ID = 867283741759111202


@dataclass
class FakeTask:
    task_id: str
    family: str
    body: dict[str, Any]
    created_at: int
    updated_at: int
    external_task_id: str | None = None
    failure: str | None = None
    polls: int = 0
    status: TaskStatus = "submitted"

    @property
    def finished(self) -> bool:
        return self.status in ("succeed", "failed")


@dataclass
class KlingFake:
    """Configuration and state of one fake Kling account.

    A task answers ``submitted`` for ``submitted_polls`` queries, then ``processing`` for
    ``processing_polls``, then ends (``succeed``, or ``failed`` under a task-failure
    scenario). ``max_concurrency`` caps unfinished tasks (over it: 429 / 1303). Result links
    stop working ``link_ttl`` seconds after the task succeeded.
    """

    access_key: str = "ak-test-0123456789"
    secret_key: str = "sk-test-0123456789abcdef0123456789abcdef"
    scenario: str = "succeeds"
    submitted_polls: int = 1
    processing_polls: int = 1
    max_concurrency: int | None = None
    link_ttl: float = 3600.0
    clock: Callable[[], float] = time.time
    tasks: dict[str, FakeTask] = field(default_factory=dict)
    requests: RequestLog = field(default_factory=RequestLog)
    fired: Counter[str] = field(default_factory=Counter)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "scenario":
            check_scenario("kling", value, ALL_SCENARIOS)
        super().__setattr__(name, value)

    def creates(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST"]

    def queries(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "GET" and r.path.startswith("/v1/")]

    def unfinished_tasks(self) -> int:
        return sum(1 for task in self.tasks.values() if not task.finished)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def take_injection(self, stage: str) -> Injection | None:
        """The scenario's error for this stage, counted, while it has uses left."""
        return take_injection(INJECTIONS, self.scenario, stage, self.fired)

    def new_task(self, family: str, body: dict[str, Any]) -> FakeTask:
        task_id = str(FIRST_TASK_ID + len(self.tasks))
        now = self.now_ms()
        external = body.get("external_task_id")
        task = FakeTask(
            task_id=task_id,
            family=family,
            body=body,
            created_at=now,
            updated_at=now,
            external_task_id=external if isinstance(external, str) else None,
            failure=TASK_FAILURES.get(self.scenario),
        )
        self.tasks[task_id] = task
        return task

    def find_task(self, id_or_external: str) -> FakeTask | None:
        task = self.tasks.get(id_or_external)
        if task is not None:
            return task
        return next((t for t in self.tasks.values() if t.external_task_id == id_or_external), None)

    def external_id_taken(self, external: str) -> bool:
        return any(t.external_task_id == external for t in self.tasks.values())

    def advance(self, task: FakeTask) -> None:
        """One query moves the task along its life."""
        if task.finished:
            return
        task.polls += 1
        if task.polls <= self.submitted_polls:
            status: TaskStatus = "submitted"
        elif task.polls <= self.submitted_polls + self.processing_polls:
            status = "processing"
        else:
            status = "failed" if task.failure else "succeed"
        if status != task.status:
            task.status = status
            task.updated_at = self.now_ms()
