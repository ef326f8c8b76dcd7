"""The "Scale-out" section of docs/benchmarks.md, built from one run of bench/scaleout.py.

The section sits between two HTML comments, so a rerun replaces it and leaves every other
section of the file alone.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.doc_sections import write_section

START = "<!-- scale-out:start -->"
END = "<!-- scale-out:end -->"


def replace_section(doc: Path, text: str) -> None:
    write_section(doc, START, END, text)


def section(raw: dict[str, Any]) -> str:
    settings, machine = raw["settings"], raw["machine"]
    lines = [
        "## Scale-out",
        "",
        "Throughput of a fleet on one PostgreSQL database as worker processes are added.",
        "Made by `bench/scaleout.py` (`.venv/bin/python -m bench.scaleout`).",
        "",
        _method(settings),
        "",
        f"Machine: {machine['cpu']}, {machine['memory']} RAM, {machine['os']}, Python "
        f"{machine['python']}, {machine.get('postgres', 'PostgreSQL')}. "
        f"Load average (1 min) {machine.get('load', 'not recorded')}: other work on the "
        "machine shows up in these figures. "
        f"Run {time.strftime('%Y-%m-%d')}. Raw results: `bench/results/scaleout-*.json`.",
    ]
    for scenario in raw["scenarios"]:
        runs = [r for r in raw["runs"] if r["scenario"] == scenario["name"]]
        lines += ["", f"### {scenario['name']}: {scenario['about']}", "", *_table(runs)]
    return "\n".join([*lines, "", READING])


def _method(settings: dict[str, Any]) -> str:
    return (
        "Method: for each scenario and worker count, a fresh database, "
        f"{settings['api_processes']} `vidgate serve\n--no-worker` processes and N "
        "`vidgate worker` processes, all on this machine.\n"
        f"{settings['clients']} concurrent clients send the generations (a live key, so every "
        "create\nreserves credits), round-robin to the API processes, while the workers run. "
        "The sandbox\nrenders at most "
        f"{settings['max_side']} px and {settings['max_frames']} frames "
        "(`VIDGATE_SANDBOX_MAX_SIDE`, `VIDGATE_SANDBOX_MAX_FRAMES`),\nso a job costs what "
        "vidgate adds around a generation: the request, the insert with its\nreservation and "
        "NOTIFY, the claim, a tiny render, probe, previews, storing, the final\ntransaction. "
        "Blobs go to a local folder the processes share. *Submit* is generations\naccepted "
        "per second of the burst (client side); *completions* is jobs ended per second\nfrom "
        "the first claim to the last finish (the jobs table's timestamps); *wait* is claim\n"
        "time minus create time, *run* is finish minus claim; *CPU per job* is the CPU time "
        "the\nAPI processes, the workers and all PostgreSQL processes spent during the burst, "
        "divided\nby the jobs. Each burst is bounded by "
        f"{settings['seconds']:g} s."
    )


def _table(runs: list[dict[str, Any]]) -> list[str]:
    base = _completions(runs[0]) if runs else 0.0
    lines = [
        "| workers | jobs | submit /s | completions /s | vs. 1st row | wait p50 | run p50 "
        "| CPU ms per job: API / workers / PostgreSQL | succeeded | max attempts |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        rate = _completions(run)
        cpu = run["cpu_seconds"]
        per_job = " / ".join(
            f"{cpu[role] * 1000 / max(run['jobs'], 1):.0f}"
            for role in ("api", "worker", "postgres")
        )
        lines.append(
            f"| {run['workers']} | {run['jobs']} | {run['jobs'] / run['submit_seconds']:.0f} "
            f"| {rate:.1f} | {rate / base if base else 0:.2f}x "
            f"| {run['wait_p50']:.2f} s | {run['run_p50'] * 1000:.0f} ms | {per_job} "
            f"| {run['succeeded']} | {run['max_attempts']} |"
        )
    return lines


def _completions(run: dict[str, Any]) -> float:
    window = run["run_window"] or 0.0
    return float(run["succeeded"]) / window if window else 0.0


READING = """\
Reading the figures: every process of the fleet (API processes, workers, PostgreSQL, the
load generator) shares this one machine. Where jobs are bound by CPU (*overhead*), adding
workers past the core count divides the same CPUs rather than adding capacity; the CPU
per job is the figure that carries over to a real fleet (a core of worker completes about
1000 / (worker ms per job) jobs a second). Where jobs are bound by slots (*slot-bound*:
GPU workers, vendor concurrency caps), each worker adds its slots and throughput grows
with the workers until the CPU runs out. *max attempts* 1 means no job was claimed twice.
"""
