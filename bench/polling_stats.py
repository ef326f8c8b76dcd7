"""The polling benchmark's figures from its raw samples. Pure functions.

Poll intervals are the gaps between consecutive polls of one task as the fake received
them, for gaps that start inside the steady window (the run goes on long enough after the
window for each to end), compared with draws of the engine's own ``PollPolicy.next_wait``
(jitter and ``min_interval`` floor included). Lag samples are ``(wall time, seconds late)``.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vidgate.engines.alibaba import AlibabaEngine
from vidgate.engines.google import GoogleEngine
from vidgate.engines.kling import KlingEngine
from vidgate.engines.minimax import MiniMaxEngine
from vidgate.engines.polling import PollPolicy
from vidgate.engines.remote import RemoteTaskEngine
from vidgate.engines.runway import RunwayEngine

ENGINES: dict[str, type[RemoteTaskEngine]] = {
    "kling": KlingEngine,
    "minimax": MiniMaxEngine,
    "runway": RunwayEngine,
    "google": GoogleEngine,
    "alibaba": AlibabaEngine,
}
POLICY_DRAWS = 100_000


def policy_for(vendor: str, speedup: float) -> PollPolicy:
    """The policy ``vidgate.bootstrap.build_engines`` gives the vendor's engine."""
    return ENGINES[vendor].default_policy.scaled(1 / speedup)


def interval_report(
    arrivals: Mapping[str, Sequence[float]], window: tuple[float, float], policy: PollPolicy
) -> dict[str, Any]:
    start, end = window
    actual = sorted(
        later - earlier
        for times in arrivals.values()
        for earlier, later in itertools.pairwise(times)
        if start <= earlier <= end
    )
    polls = sum(1 for times in arrivals.values() for t in times if start <= t <= end)
    report: dict[str, Any] = {
        "intervals": len(actual),
        "polls_in_window": polls,
        "polls_per_second": polls / (end - start),
        "policy": {
            "interval": policy.interval,
            "min_interval": policy.min_interval,
            "jitter": policy.jitter,
        },
    }
    if not actual:
        return report
    rng = random.Random(7)
    expected = sorted(policy.next_wait(rng=rng) for _ in range(POLICY_DRAWS))
    return report | {
        "actual": quantiles(actual),
        "expected": quantiles(expected),
        "ratio_mean": statistics.fmean(actual) / statistics.fmean(expected),
        "ratio_p50": quantile(actual, 0.5) / quantile(expected, 0.5),
        "ratio_p99": quantile(actual, 0.99) / quantile(expected, 0.99),
        "below_min_interval": sum(1 for value in actual if value < policy.min_interval),
    }


def lag_report(lags: Iterable[tuple[float, float]], start: float, end: float) -> dict[str, Any]:
    """Quantiles of the ticker's lateness between ``start`` and ``end`` (wall clock)."""
    late = sorted(lag for at, lag in lags if start <= at <= end)
    if not late:
        return {"ticks": 0}
    return {
        "ticks": len(late),
        "expected_ticks": int((end - start) / 0.05),
        "p50_ms": quantile(late, 0.5) * 1000,
        "p99_ms": quantile(late, 0.99) * 1000,
        "max_ms": late[-1] * 1000,
        "over_50ms": sum(1 for lag in late if lag > 0.05),
    }


def quantiles(ordered: Sequence[float]) -> dict[str, float]:
    return {
        "mean": statistics.fmean(ordered),
        "min": ordered[0],
        "p50": quantile(ordered, 0.5),
        "p99": quantile(ordered, 0.99),
        "max": ordered[-1],
    }


def quantile(ordered: Sequence[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
