"""Benchmark: one vidgate worker process following thousands of in-flight vendor jobs.

    .venv/bin/python -m bench.vendor_polling                        # 2,000 and 10,000 jobs
    .venv/bin/python -m bench.vendor_polling --jobs 500 --window 20 --no-doc   # a quick look
    .venv/bin/python -m bench.vendor_polling --jobs 10000 --profile  # py-spy over the window

Run from the repository root. For each job count, in fresh processes: the fake vendors
(``bench/polling_fakes.py``, a process of their own, so their CPU is not the worker's) and
one worker (``bench/polling_worker.py``: the real runtime on SQLite, jobs inserted straight
into the store). This driver keeps the time: the ramp (worker start until every task has been
polled once, at most ``--ramp-timeout``), then the steady window. It samples the worker's
resident memory and both processes' CPU from /proc, reads the worker's event-loop lag from
the file its ticker writes, and takes the poll arrivals the fakes recorded. It writes the raw
results to ``bench/results/vendor_polling-<jobs>-x<speed-up>.json`` and replaces the "Vendor
polling" section of ``docs/benchmarks.md``. Nothing here asserts: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from bench.polling_report import replace_section, section
from bench.polling_stats import interval_report, lag_report, policy_for

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PY_SPY = Path(PYTHON).with_name("py-spy")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.render:
        results = [json.loads(path.read_text()) for path in args.render]
        return _write_doc(results, args)
    results = [_measure(jobs, args) for jobs in args.jobs]
    for result in results:
        name = f"vendor_polling-{result['jobs']}-x{result['speedup']:g}{args.tag}.json"
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / name).write_text(json.dumps(result, indent=1))
        print(f"raw results: {args.results / name}")
    return _write_doc(results, args)


def _write_doc(results: list[dict[str, Any]], args: argparse.Namespace) -> int:
    text = section(results, results[0].get("machine") or machine())
    print(text)
    if not args.no_doc:
        replace_section(args.doc, text)
        print(f"written to {args.doc}")
    return 0


def _measure(jobs: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"--- {jobs:,} jobs, waits ÷ {args.speedup:g}, window {args.window:g} s", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="vidgate-bench-") as scratch,
        _fakes(args) as (fakes_pid, fakes),
    ):
        folder = Path(scratch)
        worker = _start(_worker_command(jobs, fakes, folder, args))
        try:
            run = _drive(worker, fakes_pid, fakes, jobs, args)
        finally:
            run["stopped_cleanly"] = _stop(worker)
        result_file = folder / "result.json"
        inside = json.loads(result_file.read_text()) if result_file.exists() else {}
        lags = _read_lags(folder / "lags.txt")
    marks = run["marks"]
    window = (marks["ramp_end"], marks["window_end"])
    return {
        "jobs": jobs,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "vendors": list(fakes),
        "speedup": args.speedup,
        "loop": args.loop,
        **run,
        **inside,
        "lag": {
            "ramp": lag_report(lags, marks["started"], marks["ramp_end"]),
            "steady": lag_report(lags, *window),
            "over_20ms": [(at, lag) for at, lag in lags if lag > 0.02],
        },
        "polling": {
            vendor: interval_report(arrived, window, policy_for(vendor, args.speedup))
            for vendor, arrived in run.pop("arrivals").items()
        },
    }


def _drive(
    worker: subprocess.Popen[str],
    fakes_pid: int,
    fakes: dict[str, str],
    jobs: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Phase by phase: inserted, started, ramp, window, tail; sampling as it goes."""
    marks: dict[str, float] = {}
    memory: list[tuple[float, float]] = []
    _expect(worker, "injected")
    marks["injected"] = time.time()
    _expect(worker, "started")
    marks["started"] = time.time()
    with httpx.Client(timeout=120) as client:
        ramp_complete = _ramp(client, worker.pid, fakes, jobs, args.ramp_timeout, memory)
        marks["ramp_end"] = time.time()
        load = {"ramp_end": os.getloadavg()[0]}
        cpu = {"worker": _cpu_seconds(worker.pid), "fakes": _cpu_seconds(fakes_pid)}
        profiler = _profile(worker.pid, jobs, args) if args.profile else None
        _sample(worker.pid, args.window, memory)
        marks["window_end"] = time.time()
        load["window_end"] = os.getloadavg()[0]
        elapsed = marks["window_end"] - marks["ramp_end"]
        cpu = {
            "worker": (_cpu_seconds(worker.pid) - cpu["worker"]) / elapsed,
            "fakes": (_cpu_seconds(fakes_pid) - cpu["fakes"]) / elapsed,
        }
        peak = _status_mb(worker.pid, "VmHWM")
        _sample(worker.pid, max(_longest_wait(v, args.speedup) for v in fakes), memory)
        arrivals = {
            v: client.get(f"{url}/_bench/polls").json()["arrivals"] for v, url in fakes.items()
        }
    if profiler is not None:
        profiler.wait()
    return {
        "marks": marks,
        "ramp_complete": ramp_complete,
        "cpu_share_in_window": cpu,
        "load_average_1min": load,
        "memory_mb": _memory_summary(memory, marks, peak),
        "rss_series": memory,
        "arrivals": arrivals,
    }


def _ramp(
    client: httpx.Client,
    pid: int,
    fakes: dict[str, str],
    jobs: int,
    timeout: float,
    memory: list[tuple[float, float]],
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        memory.append((time.time(), _status_mb(pid, "VmRSS")))
        polled = sum(
            int(client.get(f"{url}/_bench/polls", params={"summary": 1}).json()["tasks"])
            for url in fakes.values()
        )
        if polled >= jobs:
            return True
        time.sleep(1.0)
    return False


def _sample(pid: int, seconds: float, memory: list[tuple[float, float]]) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        memory.append((time.time(), _status_mb(pid, "VmRSS")))
        time.sleep(min(1.0, max(0.0, until - time.monotonic())))


def _memory_summary(
    memory: list[tuple[float, float]], marks: dict[str, float], peak: float
) -> dict[str, float]:
    def at(moment: float) -> float:
        return min(memory, key=lambda sample: abs(sample[0] - moment))[1]

    in_window = [mb for t, mb in memory if marks["ramp_end"] <= t <= marks["window_end"]]
    return {
        "started": at(marks["started"]),
        "ramp_end": at(marks["ramp_end"]),
        "window_max": max(in_window, default=float("nan")),
        "window_end": at(marks["window_end"]),
        "peak": peak,
    }


def _longest_wait(vendor: str, speedup: float) -> float:
    policy = policy_for(vendor, speedup)
    return 2 * max(policy.interval, policy.min_interval) * (1 + policy.jitter)


@contextmanager
def _fakes(args: argparse.Namespace) -> Iterator[tuple[int, dict[str, str]]]:
    """The fakes' process id and ``{vendor: base URL}``."""
    process = _start([PYTHON, "-m", "bench.polling_fakes", *args.vendors])
    try:
        assert process.stdout is not None
        yield process.pid, json.loads(process.stdout.readline())
    finally:
        _stop(process)


def _worker_command(
    jobs: int, fakes: dict[str, str], folder: Path, args: argparse.Namespace
) -> list[str]:
    command = [PYTHON, "-m", "bench.polling_worker", "--jobs", str(jobs), "--fakes"]
    command += [json.dumps(fakes), "--speedup", str(args.speedup), "--loop", args.loop]
    command += ["--data-dir", str(folder / "data"), "--lag-file", str(folder / "lags.txt")]
    command += ["--out", str(folder / "result.json")]
    if args.tracemalloc:
        command.append("--tracemalloc")
    if args.http_connections:
        command += ["--http-connections", str(args.http_connections)]
    return command


def _profile(pid: int, jobs: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    target = args.results / f"vendor_polling-{jobs}-x{args.speedup:g}{args.tag}.pyspy.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [str(PY_SPY), "record", "--pid", str(pid), "--duration", f"{int(args.window)}"]
    command += ["--rate", "50", "--format", "raw", "--output", str(target), "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _start(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _stop(process: subprocess.Popen[str], grace: float = 120.0) -> bool:
    """Close its stdin (the stop signal) and wait; kill it when it does not end in time."""
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(timeout=grace)
        return process.returncode == 0
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False


def _expect(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdout is not None
    got = process.stdout.readline().strip()
    print(f"    {time.strftime('%H:%M:%S')} {got}", flush=True)
    if got != line:
        raise RuntimeError(f"expected {line!r} from the worker, got {got!r}")


def _read_lags(path: Path) -> list[tuple[float, float]]:
    if not path.exists():
        return []
    samples = (line.split() for line in path.read_text().splitlines())
    return [(float(at), float(lag)) for at, lag in samples]


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    packages = ("vidgate", "httpx", "httpcore", "sqlalchemy", "uvloop", "uvicorn")
    return {
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs",
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": ", ".join(f"{name} {metadata.version(name)}" for name in packages),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--vendors", nargs="+", default=["runway", "google"])
    parser.add_argument(
        "--speedup", type=float, default=1.0, help="divide every poll wait (1: real cadence)"
    )
    parser.add_argument("--window", type=float, default=60.0, help="steady window, seconds")
    parser.add_argument("--ramp-timeout", type=float, default=240.0)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--profile", action="store_true", help="py-spy over the window")
    parser.add_argument("--tracemalloc", action="store_true", help="top allocations at stop")
    parser.add_argument(
        "--http-connections",
        type=int,
        default=None,
        help="VIDGATE_VENDOR_HTTP_CONNECTIONS for the run (default: vidgate's)",
    )
    parser.add_argument("--tag", default="", help="suffix for the raw result files")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-doc", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument(
        "--render", type=Path, nargs="+", help="only rebuild the doc section from raw results"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
