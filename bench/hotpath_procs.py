"""Server processes for the hot-path benchmark: start, wait, measure from /proc, stop.

CPU is the process tree's: utime + stime (from ``/proc/<pid>/stat``) of the server and of
every living descendant, plus what reaped children left in the server's cutime + cstime.
RSS is the sum of ``VmRSS`` over the same tree (shared pages counted once per process;
every server measured here is a single process).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

TICK = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # fields from index 2 (state) on


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, from the parent ids in /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def tree_cpu_seconds(root: int) -> tuple[float, float]:
    """User and system CPU seconds of ``root``'s tree."""
    user = system = 0
    for pid in descendants(root):
        fields = _stat(pid)
        if fields is None:
            continue
        user, system = user + int(fields[11]), system + int(fields[12])  # utime, stime
        if pid == root:  # what reaped children left: cutime, cstime
            user, system = user + int(fields[13]), system + int(fields[14])
    return user / TICK, system / TICK


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


def tree_rss_mb(root: int) -> float:
    total = 0
    for pid in descendants(root):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total / MB


class RssSampler:
    """Samples the tree's RSS every ``interval`` seconds on a thread; keeps every sample."""

    def __init__(self, root: int, interval: float = 0.25) -> None:
        self._root, self._interval = root, interval
        self._stop = threading.Event()
        self.samples: list[tuple[float, float]] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._began = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.samples.append((time.monotonic() - self._began, tree_rss_mb(self._root)))
            if self._stop.wait(self._interval):
                return

    @property
    def peak(self) -> float:
        return max((mb for _, mb in self.samples), default=0.0)


@dataclass
class Server:
    """A server we started: its process, its base URL and where its output goes."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        return sum(tree_cpu_seconds(self.pid))

    def cpu_split(self) -> tuple[float, float]:
        return tree_cpu_seconds(self.pid)

    def rss_mb(self) -> float:
        return tree_rss_mb(self.pid)

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start(
    name: str,
    command: list[str],
    *,
    port: int,
    ready_path: str,
    env: Mapping[str, str],
    log: Path,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Server:
    """Start ``command``; return once ``GET ready_path`` answers 2xx (or fail in ``timeout``)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=dict(env), cwd=cwd, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.base_url + ready_path, timeout=2).is_success:
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer {ready_path} within {timeout:g} s; see {log}")


@contextlib.contextmanager
def running(*args: object, **kwargs: object) -> Iterator[Server]:
    server = start(*args, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


def settle_rss(server: Server, seconds: float = 2.0) -> float:
    """RSS after ``seconds`` of quiet: the idle figure."""
    time.sleep(seconds)
    return server.rss_mb()
