"""Poll cadence for vendor tasks: intervals, jitter, backoff, Retry-After. Pure values."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """How often to ask a vendor about one task.

    ``interval`` is the normal wait between polls, never shorter than ``min_interval`` (the
    vendor's advice), spread by ``jitter`` (a fraction, e.g. 0.25 = ±25 %). After an error
    the wait grows by ``backoff`` per consecutive error up to ``max_backoff``; a
    ``Retry-After`` from the vendor is honoured when it is longer. ``first_poll`` is the wait
    after submitting. ``timeout`` bounds the whole task; ``max_errors`` bounds consecutive
    transient errors.
    """

    interval: float
    min_interval: float = 0.0
    first_poll: float | None = None
    jitter: float = 0.2
    backoff: float = 2.0
    max_backoff: float = 120.0
    timeout: float = 3600.0
    max_errors: int = 8
    submit_attempts: int = 3

    def next_wait(
        self, *, errors: int = 0, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        base = max(self.interval, self.min_interval)
        if errors:
            base = min(base * self.backoff**errors, self.max_backoff)
        wait = base * (1 + self.jitter * ((rng or random).random() * 2 - 1))
        if retry_after is not None:
            wait = max(wait, retry_after)
        return max(wait, self.min_interval)

    def first_wait(self, rng: random.Random | None = None) -> float:
        if self.first_poll is None:
            return self.next_wait(rng=rng)
        return max(self.first_poll, self.min_interval)

    def scaled(self, factor: float) -> PollPolicy:
        """The same policy with every wait multiplied (tests and benchmarks run fast)."""
        return PollPolicy(
            interval=self.interval * factor,
            min_interval=self.min_interval * factor,
            first_poll=None if self.first_poll is None else self.first_poll * factor,
            jitter=self.jitter,
            backoff=self.backoff,
            max_backoff=self.max_backoff * factor,
            timeout=self.timeout,
            max_errors=self.max_errors,
            submit_attempts=self.submit_attempts,
        )
