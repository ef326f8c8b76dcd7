"""Time that moves only when the code under test sleeps, shared by an engine and its fake.

Pass ``sim.sleep`` and ``sim.clock`` (or ``sim`` itself, which is callable) to the engine and
``sim.clock`` to the fake: sleeping advances ``now`` instantly, so a vendor's real poll policy
runs in milliseconds and both sides agree on the time (token lifetimes, link expiry).
``crash_at_sleep = n`` makes the n-th sleep raise ``SimulatedCrash``, once: the worker
process dies there, and a second ``run`` with the same context resumes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


class SimulatedCrash(Exception):
    """The worker process dies here (raised from a sleep)."""


@dataclass
class SimulatedTime:
    now: float = field(default_factory=time.time)
    sleeps: list[float] = field(default_factory=list)
    crash_at_sleep: int | None = None

    def clock(self) -> float:
        return self.now

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.crash_at_sleep is not None and len(self.sleeps) == self.crash_at_sleep:
            self.crash_at_sleep = None
            raise SimulatedCrash
        self.now += seconds
