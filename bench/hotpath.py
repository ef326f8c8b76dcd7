"""Benchmark vidgate's hot path (create and poll) beside LiteLLM's proxy and raw baselines.

    .venv/bin/python bench/hotpath.py                     # full run, about 25 minutes
    .venv/bin/python bench/hotpath.py --quick             # 3 s windows, no doc update
    .venv/bin/python bench/hotpath.py --profile --soak 600   # + py-spy, + 10-minute RSS soak
    .venv/bin/python bench/hotpath.py --targets vidgate   # only some targets

Every server is a subprocess on a free loopback port; every window is closed-loop load from
wrk (or a Python load generator when wrk is missing) at 1, 16 and 64 connections for a
fixed time, after a 1 s warm-up at the same concurrency. Per window: requests/s, p50/p99
latency, errors, the server process tree's CPU time per request (from /proc), and its RSS
before and at peak. Raw results go to ``bench/results/hotpath-<timestamp>.json``; a full
run also replaces the "Hot path" section of ``docs/benchmarks.md``. Nothing here asserts:
the report says which budget is met. See bench/README.md for what each row measures.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import hotpath_load
import hotpath_profile
import hotpath_report
import hotpath_targets as targets
from hotpath_procs import RssSampler, Server, machine_busy_seconds, settle_rss

ROOT = targets.ROOT
CONNECTIONS = (1, 16, 64)
POOL_PER_CASE = 25  # completed jobs per (dialect, key) that polls rotate through
PROFILED = (
    "create-aiml-sandbox",
    "poll-aiml-sandbox",
    "create-openai-sandbox",
    "poll-openai-sandbox",
    "create-aiml-live",
)


class Run:
    """The options and everything measured so far; becomes the JSON and the report."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.window = 3.0 if args.quick else args.window
        self.repeat = args.repeat or (1 if args.quick else 3)
        self.stamp = time.strftime("%Y%m%d-%H%M%S")
        self.rows: list[dict[str, Any]] = []
        self.skipped: list[dict[str, str]] = []
        self.servers: dict[str, dict[str, Any]] = {}
        self.profiles: dict[str, Any] = {}
        self.soak: dict[str, Any] | None = None
        self.statements: dict[str, Any] = {}

    def log(self, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)

    def measure(self, server: Server, case: targets.Case, *, side: Server | None = None) -> None:
        for connections in self.args.connections:
            hotpath_load.run(server.base_url, case.load, connections, 1.0)  # warm-up
            windows = [self._window(server, case, connections, side) for _ in range(self.repeat)]
            self.rows.append(_median_row(windows))
            row = self.rows[-1]
            each = ", ".join(f"{w['cpu_ms_per_request']:.3f}" for w in windows)
            self.log(
                f"  {case.target} | {case.endpoint} | c={connections}: {row['rps']:.0f} req/s, "
                f"p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms, "
                f"{row['errors']} errors, {row['cpu_ms_per_request']:.3f} CPU ms/req "
                f"(windows: {each})"
            )

    def _window(
        self, server: Server, case: targets.Case, connections: int, side: Server | None
    ) -> dict[str, Any]:
        time.sleep(0.3)
        rss_before = server.rss_mb()
        before = _cpu_counters(server, side)
        with RssSampler(server.pid) as rss:
            result = hotpath_load.run(server.base_url, case.load, connections, self.window)
        time.sleep(0.3)  # let the server finish the requests wrk abandoned at the end
        used = {k: v - before[k] for k, v in _cpu_counters(server, side).items()}
        span = used["wall"]
        others = used["machine"] - used["user"] - used["system"] - used["side"] - used["load"]
        per = max(result.requests, 1)
        return {
            "target": case.target,
            "endpoint": case.endpoint,
            "kind": case.kind,
            "dialect": case.dialect,
            "key": case.key,
            "slug": case.slug,
            "connections": connections,
            "requests": result.requests,
            "seconds": result.seconds,
            "rps": result.rps,
            "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms,
            "errors": result.errors,
            "status_errors": result.status_errors,
            "socket_errors": result.socket_errors,
            "cpu_ms_per_request": 1000 * (used["user"] + used["system"]) / per,
            "cpu_sys_ms_per_request": 1000 * used["system"] / per,
            "server_cores": (used["user"] + used["system"]) / span,
            "load_generator_cores": used["load"] / span,
            "other_processes_cores": max(0.0, others) / span,
            "upstream_cpu_ms_per_request": 1000 * used["side"] / per if side else None,
            "rss_before_mb": rss_before,
            "rss_peak_mb": rss.peak,
        }

    def profile(self, server: Server, case: targets.Case) -> None:
        if not self.args.profile or case.slug not in PROFILED:
            return
        if not hotpath_profile.available():
            self.log("  py-spy not found next to the interpreter: .venv/bin/pip install py-spy")
            return
        out = self.args.results / f"hotpath-{self.stamp}-{case.slug}.pyspy.txt"
        connections = max(self.args.connections)
        recorder = hotpath_profile.record(server.pid, self.window, out)
        time.sleep(0.5)  # py-spy attaches
        hotpath_load.run(server.base_url, case.load, connections, self.window)
        recorder.wait(timeout=self.window + 60)
        if out.exists():
            summary = hotpath_profile.summarise(out)
            self.profiles[case.slug] = {
                "case": f"{case.target} | {case.endpoint} | c={connections}",
                "raw": str(out.relative_to(ROOT)),
                **summary.as_dict(self.window),
            }
            self.log(f"  profiled {case.slug}: {summary.samples} samples → {out.name}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "stamp": self.stamp,
            "command": " ".join([".venv/bin/python", "bench/hotpath.py", *sys.argv[1:]]),
            "quick": self.args.quick,
            "window_seconds": self.window,
            "repeat": self.repeat,
            "pool_per_case": POOL_PER_CASE,
            "connections": list(self.args.connections),
            "load_generator": _load_generator(),
            "machine": machine(),
            "versions": versions(self.args.commit),
            "rows": self.rows,
            "skipped": self.skipped,
            "servers": self.servers,
            "profiles": self.profiles,
            "soak": self.soak,
            "statements": self.statements,
        }


SUMMED = ("requests", "errors", "status_errors", "socket_errors")


def _median_row(windows: list[dict[str, Any]]) -> dict[str, Any]:
    """One row from repeated windows: medians of the rates and latencies, sums of the
    counts, the highest RSS; every window kept under "windows"."""
    row = dict(windows[0])
    for key, value in windows[0].items():
        if key in SUMMED:
            row[key] = sum(w[key] for w in windows)
        elif key == "rss_peak_mb":
            row[key] = max(w[key] for w in windows)
        elif isinstance(value, float) and key != "rss_before_mb":
            row[key] = statistics.median(w[key] for w in windows)
    row["windows"] = [{k: v for k, v in w.items() if isinstance(v, int | float)} for w in windows]
    return row


def _cpu_counters(server: Server, side: Server | None) -> dict[str, float]:
    """CPU seconds so far: the server's (user, system), the side server's, the load
    generator's (wrk is a waited-for child; the Python one runs in this process), the
    machine's, and the wall clock."""
    user, system = server.cpu_split()
    children, own = (
        resource.getrusage(resource.RUSAGE_CHILDREN),
        resource.getrusage(resource.RUSAGE_SELF),
    )
    return {
        "user": user,
        "system": system,
        "side": side.cpu_seconds() if side else 0.0,
        "load": children.ru_utime + children.ru_stime + own.ru_utime + own.ru_stime,
        "machine": machine_busy_seconds(),
        "wall": time.monotonic(),
    }


# --- vidgate -----------------------------------------------------------------------------


def bench_vidgate(run: Run, scratch: Path) -> None:
    run.log("vidgate: keys, routing file, data dir")
    source = _source(run, scratch)
    vidgate = targets.Vidgate(scratch / "vidgate", source)
    logs = run.args.results / "logs"
    # Phase A: `vidgate serve` as `make run` starts it (worker on), for the idle figure,
    # the pool of completed jobs the polls read, and the soak. The render cap and the extra
    # slots only make the pool quick to render; nothing here is timed.
    prep = vidgate.serve(
        "vidgate serve",
        worker=True,
        log=logs / "vidgate-serve.log",
        VIDGATE_SANDBOX_MAX_SIDE="64",
        VIDGATE_SANDBOX_MAX_FRAMES="2",
        VIDGATE_WORKER_SLOTS="8",
    )
    try:
        idle = settle_rss(prep)
        run.log(f"vidgate serve (worker on) idle RSS {idle:.1f} MB; preparing the poll pools")
        pools = vidgate.prepare_pool(prep, POOL_PER_CASE, timeout=600)
        run.servers["vidgate serve"] = {"idle_rss_mb": idle, "after_pool_rss_mb": settle_rss(prep)}
        if run.args.soak:
            run.soak = soak(run, prep, vidgate, pools)
    finally:
        prep.stop()
    # Phase B: `vidgate serve --no-worker` on the same data: creates only queue a job.
    server = vidgate.serve(
        "vidgate serve --no-worker", worker=False, log=logs / "vidgate-serve-no-worker.log"
    )
    try:
        run.servers["vidgate serve --no-worker"] = {"idle_rss_mb": settle_rss(server)}
        status = vidgate.openai_answers(server)
        dialects = ["aiml", "openai"]
        if status == 404:
            dialects = ["aiml"]
            run.skipped.append(
                {
                    "target": "vidgate",
                    "endpoint": "OpenAI `/v1/videos` rows",
                    "note": "POST /v1/videos answered 404: no OpenAI dialect",
                }
            )
        cases = [
            vidgate.poll_case(d, k, pools[f"poll-{d}-{k}"])
            for k in ("sandbox", "live")
            for d in dialects
        ]
        cases += [vidgate.create_case(d, k) for k in ("sandbox", "live") for d in dialects]
        for case in cases:
            run.measure(server, case)
        for case in cases:
            run.profile(server, case)
        run.servers["vidgate serve --no-worker"]["after_rss_mb"] = settle_rss(server)
    finally:
        server.stop()
    run.log("vidgate: counting SQL statements and thread hops per request (in-process)")
    run.statements = vidgate.count_statements(pools)
    run.servers["vidgate serve"]["imports_mb"] = vidgate.memory_breakdown()


def soak(
    run: Run, server: Server, vidgate: targets.Vidgate, pools: dict[str, list[str]]
) -> dict[str, Any]:
    """Polls (both dialects, sandbox key, 16 connections) for --soak seconds; RSS every 10 s."""
    paths = [p for slug, ps in pools.items() if slug.endswith("-sandbox") for p in ps]
    case = vidgate.poll_case("aiml", "sandbox", paths)
    run.log(f"soak: polling for {run.args.soak:g} s, RSS every 10 s")
    cpu = server.cpu_seconds()
    with RssSampler(server.pid, interval=10.0) as rss:
        result = hotpath_load.run(server.base_url, case.load, 16, run.args.soak)
    return {
        "seconds": result.seconds,
        "connections": 16,
        "requests": result.requests,
        "rps": result.rps,
        "p99_ms": result.p99_ms,
        "errors": result.errors,
        "cpu_ms_per_request": 1000 * (server.cpu_seconds() - cpu) / max(result.requests, 1),
        "rss_samples": rss.samples,
    }


# --- LiteLLM and the raw baselines ---------------------------------------------------------


def bench_litellm(run: Run, scratch: Path) -> None:
    logs = run.args.results / "logs"
    upstream = targets.start_fake_upstream(logs / "fake-openai.log")
    try:
        run.log("LiteLLM: starting the proxy (installs it on the first run)")
        proxy = targets.start_litellm(scratch, upstream, logs / "litellm.log")
        try:
            idle = settle_rss(proxy, 5.0)
            cases = targets.litellm_cases(proxy, POOL_PER_CASE)
            run.servers["LiteLLM proxy"] = {
                "idle_rss_mb": idle,
                "version": targets.litellm_version(),
            }
            for case in cases:
                run.measure(proxy, case, side=upstream)
            run.servers["LiteLLM proxy"]["after_rss_mb"] = settle_rss(proxy)
        finally:
            proxy.stop()
    finally:
        upstream.stop()


def bench_raw(run: Run, scratch: Path) -> None:
    source = _source(run, scratch)
    for name in targets.RAW:
        log = run.args.results / "logs" / f"raw-{name}.log"
        server, case = targets.start_raw(name, scratch, log, source)
        try:
            run.servers[case.target] = {"idle_rss_mb": settle_rss(server, 1.0)}
            run.measure(server, case)
        finally:
            server.stop()


def _source(run: Run, scratch: Path) -> Path | None:
    """With --commit, ``src/`` at that commit (exported once per run), else None."""
    if not run.args.commit:
        return None
    into = scratch / "source"
    if not (into / "src").exists():
        targets.export_source(run.args.commit, into)
        run.log(f"measuring src/ at {run.args.commit} (exported to {into / 'src'})")
    return into / "src"


BENCHES = {"vidgate": bench_vidgate, "litellm": bench_litellm, "raw": bench_raw}


# --- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.report:  # rebuild the doc section from a saved run, measuring nothing
        text = hotpath_report.section(json.loads(args.report.read_text()))
        print(text)
        if args.doc is not False:
            hotpath_report.replace_section(args.doc_path, text)
        return 0
    if hotpath_load.wrk_path() is None:
        print(
            "wrk not found; falling back to the Python load generator (slower: it needs more "
            f"CPU per request than wrk). To install wrk:\n  {hotpath_load.INSTALL_WRK}",
            file=sys.stderr,
        )
    if args.commit:  # pinned now: HEAD may move while the run goes on
        args.commit = _git("rev-parse", "--short=12", args.commit) or args.commit
    run = Run(args)
    args.results.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vidgate-hotpath-") as scratch:
        for name in args.targets:
            BENCHES[name](run, Path(scratch))
    out = args.results / f"hotpath-{run.stamp}.json"
    result = run.as_dict()
    out.write_text(json.dumps(result, indent=1))
    run.log(f"raw results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    text = hotpath_report.section(result)
    print(text)
    if args.doc if args.doc is not None else not args.quick:
        hotpath_report.replace_section(args.doc_path, text)
        run.log(f"written to {args.doc_path}")
    return 0


def _load_generator() -> str:
    wrk = hotpath_load.wrk_path()
    return hotpath_load.wrk_version(wrk) if wrk else "Python asyncio raw-socket client"


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name")), "?")
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": model,
        "cores": str(len([x for x in cpuinfo if x.startswith("processor")])),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "kernel": f"{platform.system()} {platform.release()}",
    }


def versions(commit: str | None) -> dict[str, str]:
    names = (
        "uvicorn",
        "uvloop",
        "httptools",
        "fastapi",
        "starlette",
        "pydantic",
        "sqlalchemy",
        "orjson",
    )
    found = {"python": platform.python_version(), "vidgate": _git_commit(commit)}
    found |= {n: _version(n) for n in names}
    found["sqlite"] = sqlite3.sqlite_version
    if targets.LITELLM_VENV.exists():
        found["litellm"] = targets.litellm_version()
    wrk = hotpath_load.wrk_path()
    found["wrk"] = hotpath_load.wrk_version(wrk) if wrk else "not installed"
    return found


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
    )
    return done.stdout.strip()


def _git_commit(commit: str | None) -> str:
    if commit:
        return commit
    head = _git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--untracked-files=no", "--", "src")
    return f"{head} + uncommitted changes in src/ (working tree)" if dirty else head


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s windows; no doc update")
    parser.add_argument("--window", type=float, default=10.0, help="seconds per window")
    parser.add_argument(
        "--repeat",
        type=int,
        default=0,
        help="windows per row, median reported (default 3; 1 with --quick)",
    )
    parser.add_argument("--connections", type=int, nargs="+", default=list(CONNECTIONS))
    parser.add_argument("--targets", nargs="+", choices=list(BENCHES), default=list(BENCHES))
    parser.add_argument(
        "--soak",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="also poll vidgate for this long, sampling RSS every 10 s",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy vidgate's create and poll paths in extra windows",
    )
    parser.add_argument(
        "--commit",
        metavar="REV",
        help="measure src/ as committed at REV (git archive) instead of the "
        "working tree, which others may be editing",
    )
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--doc",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="replace the Hot path section of docs/benchmarks.md "
        "(default: yes, except with --quick)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="JSON",
        help="rebuild the doc section from a saved results file; no run",
    )
    parser.add_argument("--doc-path", type=Path, default=ROOT / "docs" / "benchmarks.md")
    return parser


if __name__ == "__main__":
    sys.exit(main())
