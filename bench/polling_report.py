"""The "Vendor polling" section of docs/benchmarks.md, built from the benchmark's results.

The section sits between two HTML comments, so a rerun replaces it and leaves every other
section of the file alone. ``NOTES`` (below the generated table) is where the findings that
need a person (what dominates, what to change) are written by hand after a run; the script
keeps whatever text sits between the notes markers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.doc_sections import write_section

START = "<!-- vendor-polling:start -->"
END = "<!-- vendor-polling:end -->"
NOTES_START = "<!-- vendor-polling:notes -->"
NOTES_END = "<!-- vendor-polling:notes-end -->"
BUDGET_MB = 300.0
BUDGET_LAG_MS = 50.0

Result = dict[str, Any]
Row = tuple[str, Callable[[Result], str]]


def replace_section(doc: Path, text: str) -> None:
    current = doc.read_text() if doc.exists() else ""
    notes = _between(current, NOTES_START, NOTES_END)
    write_section(
        doc, START, END, f"{text.rstrip()}\n\n{NOTES_START}\n{notes.strip()}\n{NOTES_END}"
    )


def section(results: list[Result], machine: dict[str, str]) -> str:
    date = results[0].get("date") or time.strftime("%Y-%m-%d")
    lines = [*INTRO, "", _machine(machine, date), "", *_table(results), "", *_verdicts(results)]
    return "\n".join(lines) + "\n"


INTRO = [
    "## Vendor polling",
    "",
    "How one worker process copes with many in-flight vendor jobs: memory, event-loop lag,",
    "and whether each task is polled at the cadence its engine's `PollPolicy` asks for.",
    "Made by `bench/vendor_polling.py` (`.venv/bin/python -m bench.vendor_polling`).",
    "",
    "Method. The fake Runway and Google (Gemini API) services of `tests/fakes/` run in a",
    "process of their own and never finish a task (Runway's report moving `progress`, so",
    "the worker writes progress as it would for real). The worker is the real runtime",
    "(`open_runtime(settings, with_worker=True)`: SQLite, the shared `httpx.AsyncClient`,",
    "uvloop as under `vidgate serve`) in one process; N queued jobs are inserted into the",
    "store, half per vendor, and each deployment's `max_concurrency` is N so this one",
    "worker takes them all. Poll waits are the engines' real ones unless the column says",
    "otherwise (`VIDGATE_POLL_SPEEDUP` divides them). The ramp runs from starting the worker",
    "until every task has been polled once; the steady window follows. Lag: how late a",
    "50 ms `asyncio.sleep` ticker in the worker's loop wakes (a starved loop also ticks",
    "less often: ticks seen vs expected). Memory: the worker's RSS from /proc. Intervals:",
    "gaps between consecutive polls of one task as the fake received them, starting in the",
    "window, against 100,000 draws of the same `PollPolicy.next_wait`.",
]


def _machine(machine: dict[str, str], date: str) -> str:
    return (
        f"Machine: {machine['cpu']}, {machine['memory']} RAM, {machine['os']}, "
        f"Python {machine['python']}; {machine['packages']}. Run {date}. "
        "Raw results: `bench/results/vendor_polling-*.json`."
    )


def _table(results: list[Result]) -> list[str]:
    lines = [
        "| | " + " | ".join(_title(r) for r in results) + " |",
        "|---" * (len(results) + 1) + "|",
    ]
    lines += [f"| {label} | " + " | ".join(cell(r) for r in results) + " |" for label, cell in ROWS]
    for vendor in sorted({v for r in results for v in r["polling"]}):
        for label, cell in VENDOR_ROWS:
            cells = " | ".join(cell(r["polling"].get(vendor, {})) for r in results)
            lines.append(f"| {label.format(vendor=vendor)} | {cells} |")
    return lines


def _title(result: Result) -> str:
    cadence = "real waits" if result["speedup"] == 1 else f"waits ÷ {result['speedup']:g}"
    return f"{result['jobs']:,} jobs, {cadence}"


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def _lag(result: Result, phase: str) -> str:
    lag = result["lag"].get(phase, {})
    if not lag.get("ticks"):
        return "no tick at all"
    return (
        f"{lag['p50_ms']:.1f} / {lag['p99_ms']:.0f} / {lag['max_ms']:.0f} ms "
        f"({lag['ticks']:,} of {lag['expected_ticks']:,} ticks)"
    )


def _ramp(result: Result) -> str:
    marks = result["marks"]
    late = "" if result["ramp_complete"] else " (gave up: not every task polled)"
    return f"{marks['ramp_end'] - marks['started']:.0f} s{late}"


def _memory(result: Result) -> str:
    memory = result["memory_mb"]
    parts = ("started", "ramp_end", "window_max", "peak")
    return " / ".join(f"{memory[part]:.0f}" for part in parts) + " MB"


def _per_job(result: Result) -> str:
    memory = result["memory_mb"]
    return f"{(memory['window_max'] - memory['started']) * 1024 / result['jobs']:.1f} KB"


def _load(result: Result) -> str:
    load = result.get("load_average_1min")
    return "n/a" if load is None else f"{load['window_end']:.1f}"


def _jobs(result: Result) -> str:
    counts = result.get("job_status_counts")
    if counts is None:
        return "n/a (the worker did not stop in time)"
    ended = sum(n for status, n in counts.items() if status not in ("queued", "running"))
    return f"{result['following_at_stop']:,} / {ended}"


def _full_collections(result: Result) -> str:
    collector = result.get("collector")
    if collector is None:
        return "n/a"
    marks = result["marks"]
    pauses = sorted(
        seconds * 1000
        for at, seconds in collector["full"]
        if marks["ramp_end"] <= at <= marks["window_end"]
    )
    if not pauses:
        return "none"
    return f"{len(pauses)}, {pauses[len(pauses) // 2]:.0f} / {pauses[-1]:.0f} ms"


def _tracked(result: Result) -> str:
    collector = result.get("collector")
    if collector is None:
        return "n/a"
    per_job = collector["tracked_objects_at_stop"] / result["jobs"]
    return f"{collector['tracked_objects_at_stop']:,} ({per_job:.0f} per job)"


def _cpu_per_poll(result: Result) -> str:
    polls = sum(stats.get("polls_per_second", 0) for stats in result["polling"].values())
    if not polls:
        return "n/a"
    return f"{result['cpu_share_in_window']['worker'] * 1000 / polls:.2f} ms"


ROWS: list[Row] = [
    ("inserting the jobs", lambda r: _seconds(r.get("inject_seconds"))),
    ("ramp: worker start → every task polled once", _ramp),
    ("steady window", lambda r: _seconds(r["marks"]["window_end"] - r["marks"]["ramp_end"])),
    ("RSS at start / ramp end / window max / peak", _memory),
    ("RSS per followed job (window max minus start)", _per_job),
    ("loop lag during the ramp: p50 / p99 / max", lambda r: _lag(r, "ramp")),
    ("loop lag, steady: p50 / p99 / max", lambda r: _lag(r, "steady")),
    (
        "worker CPU, steady (share of one core)",
        lambda r: f"{r['cpu_share_in_window']['worker']:.0%}",
    ),
    ("worker CPU per poll, steady", _cpu_per_poll),
    ("fakes' CPU, steady", lambda r: f"{r['cpu_share_in_window']['fakes']:.0%}"),
    ("full garbage collections in the window: count, p50 / max pause", _full_collections),
    ("objects the collector tracks, at stop", _tracked),
    ("machine load (1-min average) at window end", _load),
    ("jobs followed at stop / ended early", _jobs),
    (
        "graceful stop (`Worker.stop(grace=0.5)`)",
        lambda r: _seconds(r.get("graceful_stop_seconds")),
    ),
]


def _interval(stats: dict[str, Any]) -> str:
    if "actual" not in stats:
        return "n/a"
    return f"{stats['actual']['mean']:.2f} s vs {stats['expected']['mean']:.2f} s"


def _ratios(stats: dict[str, Any]) -> str:
    if "actual" not in stats:
        return "n/a"
    return f"{stats['ratio_mean']:.3f} / {stats['ratio_p50']:.3f} / {stats['ratio_p99']:.3f}"


def _shortest(stats: dict[str, Any]) -> str:
    if "actual" not in stats:
        return "n/a"
    below = stats["below_min_interval"]
    note = f" ({below} below)" if below else ""
    return f"{stats['actual']['min']:.2f} s vs {stats['policy']['min_interval']:.2f} s{note}"


VENDOR_ROWS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("{vendor}: polls/s at the fake (window)", lambda s: f"{s.get('polls_per_second', 0):.0f}"),
    ("{vendor}: intervals measured", lambda s: f"{s.get('intervals', 0):,}"),
    ("{vendor}: mean interval, actual vs policy", _interval),
    ("{vendor}: actual ÷ policy, mean / p50 / p99", _ratios),
    ("{vendor}: shortest interval vs `min_interval`", _shortest),
]


def _verdicts(results: list[Result]) -> list[str]:
    lines = [
        f"Budget (hot-path issue): one worker follows 10,000 in-flight vendor jobs at "
        f"≤ {BUDGET_MB:.0f} MB with event-loop lag p99 < {BUDGET_LAG_MS:.0f} ms.",
        "",
    ]
    for result in results:
        peak = result["memory_mb"]["peak"]
        lag = result["lag"].get("steady", {}).get("p99_ms", float("inf"))
        met = peak <= BUDGET_MB and lag < BUDGET_LAG_MS
        lines.append(
            f"- {_title(result)}: peak RSS {peak:.0f} MB, steady lag p99 {lag:.0f} ms: "
            f"{'within' if met else 'over'} budget."
        )
    return lines


def _between(text: str, start: str, end: str) -> str:
    if start not in text or end not in text:
        return ""
    return text.split(start, 1)[1].split(end, 1)[0]
