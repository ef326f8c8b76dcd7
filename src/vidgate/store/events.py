"""Job events other processes want to hear about at once: new work, a cancel request.

The SQL store publishes them on PostgreSQL (NOTIFY) in the transaction that makes them
true, so a listener hears of a job only once it is committed. They are hints, never the
record: a worker that misses one still finds the job on its next poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EventKind = Literal["queued", "cancel"]
KINDS: tuple[EventKind, ...] = ("queued", "cancel")


@dataclass(frozen=True, slots=True)
class JobEvent:
    """``queued``: ``subject`` (a deployment) has a job to claim. ``cancel``: the caller
    asked to cancel job ``subject``."""

    kind: EventKind
    subject: str

    @classmethod
    def queued(cls, deployment: str) -> JobEvent:
        return cls("queued", deployment)

    @classmethod
    def cancel(cls, job_id: str) -> JobEvent:
        return cls("cancel", job_id)

    def encode(self) -> str:
        return f"{self.kind}:{self.subject}"

    @classmethod
    def decode(cls, payload: str) -> JobEvent | None:
        """The event in ``payload``; None for anything else (a newer version's event)."""
        kind, separator, subject = payload.partition(":")
        for known in KINDS:
            if kind == known and separator and subject:
                return cls(known, subject)
        return None
