"""What the Google fake knows: its configuration, operations, files and every request."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakes.google.scenarios import ALL_SCENARIOS, INJECTIONS, Injection, Outcome, outcome_for
from tests.fakes.recording import RecordedRequest, RequestLog
from tests.fakes.scenarios import check_scenario, take_injection

__all__ = ["MODEL", "FakeOperation", "GoogleFake", "RecordedRequest", "Surface"]

Surface = Literal["gemini", "vertex"]
MODEL = "veo-2.0-generate-001"


@dataclass
class FakeOperation:
    id: str
    name: str
    surface: Surface
    body: dict[str, Any]
    outcome: Outcome
    polls: int = 0
    done: bool = False
    finished_at: float | None = None
    # Gemini: the file id of the sample; Vertex: the gs:// URI when storageUri was sent.
    file_id: str | None = None
    gcs_uri: str | None = None

    @property
    def storage_uri(self) -> str | None:
        value = self.body.get("parameters", {}).get("storageUri")
        return value if isinstance(value, str) else None


@dataclass
class GoogleFake:
    """Configuration and state of one fake Google project, on both surfaces.

    An operation answers ``done`` absent for ``running_polls`` polls, then ends as the
    scenario decided when it was created. Gemini files stop downloading ``file_ttl``
    seconds after the operation finished (Google keeps them two days). Vertex tokens stop
    working at ``token_expires_at`` (fake clock), when set.
    """

    api_key: str = "AIzaSy-test-key-0123456789abcdef"
    access_token: str = "ya29.test-access-token"
    project: str = "vidgate-test"
    location: str = "us-central1"
    models: frozenset[str] = frozenset({MODEL})
    scenario: str = "succeeds"
    running_polls: int = 2
    file_ttl: float = 2 * 86400.0
    token_expires_at: float | None = None
    clock: Callable[[], float] = time.time
    operations: dict[str, FakeOperation] = field(default_factory=dict)
    requests: RequestLog = field(default_factory=RequestLog)
    fired: Counter[str] = field(default_factory=Counter)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "scenario":
            check_scenario("google", value, ALL_SCENARIOS)
        super().__setattr__(name, value)

    def creates(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith(":predictLongRunning")]

    def polls(self) -> list[RecordedRequest]:
        return [
            r
            for r in self.requests
            if "/operations/" in r.path or r.path.endswith(":fetchPredictOperation")
        ]

    def take_injection(self, stage: str) -> Injection | None:
        return take_injection(INJECTIONS, self.scenario, stage, self.fired)

    def new_operation(self, surface: Surface, model: str, body: dict[str, Any]) -> FakeOperation:
        op_id = uuid.uuid4().hex[:12] if surface == "gemini" else str(uuid.uuid4())
        prefix = "" if surface == "gemini" else self.model_resource_prefix()
        name = f"{prefix}models/{model}/operations/{op_id}"
        operation = FakeOperation(op_id, name, surface, body, outcome_for(self.scenario))
        self.operations[name] = operation
        return operation

    def model_resource_prefix(self) -> str:
        return f"projects/{self.project}/locations/{self.location}/publishers/google/"

    def advance(self, operation: FakeOperation) -> None:
        """One poll moves the operation along; it ends after ``running_polls`` polls."""
        if operation.done:
            return
        operation.polls += 1
        if operation.polls > self.running_polls:
            operation.done = True
            operation.finished_at = self.clock()
            self._store_result(operation)

    def file_alive(self, operation: FakeOperation) -> bool:
        finished = operation.finished_at or 0.0
        return self.clock() <= finished + self.file_ttl

    def token_valid(self, token: str) -> bool:
        expired = self.token_expires_at is not None and self.clock() >= self.token_expires_at
        return token == self.access_token and not expired

    def _store_result(self, operation: FakeOperation) -> None:
        if operation.outcome.kind != "video":
            return
        if operation.surface == "gemini":
            operation.file_id = f"{operation.id}-sample0"
        elif operation.storage_uri:
            operation.gcs_uri = f"{operation.storage_uri}{operation.id}/sample_0.mp4"
