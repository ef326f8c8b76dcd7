"""An in-memory EngineContext for engine unit tests: records every report and saved state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidgate.engines.protocol import PublicPhase


@dataclass
class Report:
    phase: PublicPhase
    progress: int | None
    vendor_status: str | None


@dataclass
class RecordingContext:
    """Implements ``vidgate.engines.protocol.EngineContext`` in memory.

    ``saved`` lists every state passed to ``save_upstream`` in order; ``upstream`` is the
    latest one, so a second ``run`` with the same context behaves like a resume after a
    restart.
    """

    workdir: Path
    upstream: Mapping[str, Any] | None = None
    cancel_requested: bool = False
    reports: list[Report] = field(default_factory=list)
    saved: list[Mapping[str, Any] | None] = field(default_factory=list)

    async def save_upstream(self, state: Mapping[str, Any] | None) -> None:
        snapshot = dict(state) if state is not None else None
        self.saved.append(snapshot)
        self.upstream = snapshot

    async def report(
        self, phase: PublicPhase, progress: int | None = None, vendor_status: str | None = None
    ) -> None:
        self.reports.append(Report(phase, progress, vendor_status))
