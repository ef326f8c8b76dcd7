"""The processes of one scale-out run: API processes and workers on this machine."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

VIDGATE = [sys.executable, "-m", "vidgate.cli.main"]
ALL_TO_SANDBOX = '[routes]\n"*" = ["sandbox"]\n'
CREDITS = 10**9


class Fleet:
    """``api_processes`` times ``vidgate serve --no-worker`` and N times ``vidgate worker``."""

    def __init__(
        self, database_url: str, *, api_processes: int, sandbox_env: dict[str, str]
    ) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="vidgate-scaleout-")
        self._root = Path(self._scratch.name)
        routing = self._root / "routing.toml"
        routing.write_text(ALL_TO_SANDBOX)
        self._env = {k: v for k, v in os.environ.items() if not k.startswith("VIDGATE_")}
        self._env.update(
            VIDGATE_DATA_DIR=str(self._root / "data"),
            VIDGATE_DATABASE_URL=database_url,
            VIDGATE_ROUTING_FILE=str(routing),
            VIDGATE_LOG_LEVEL="warning",
            **sandbox_env,
        )
        self._api_processes = api_processes
        self._processes: list[tuple[subprocess.Popen[bytes], Path]] = []
        self._roles: dict[str, list[int]] = {"api": [], "worker": []}
        self.api_urls: list[str] = []
        self.live_key = ""

    def __enter__(self) -> Fleet:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        self._scratch.cleanup()

    def start(self, workers: int) -> None:
        self._cli("migrate")
        created = self._cli("keys", "create", "--name", "bench", "--credits", str(CREDITS))
        self.live_key = created.strip().splitlines()[-1]
        ready: list[str] = []
        for index in range(self._api_processes):
            port = _free_port()
            self._roles["api"].append(
                self._spawn(f"api-{index}", "serve", "--no-worker", "--port", str(port))
            )
            self.api_urls.append(f"http://127.0.0.1:{port}")
            ready.append(f"http://127.0.0.1:{port}/healthz")
        for index in range(workers):
            port = _free_port()
            self._roles["worker"].append(
                self._spawn(f"worker-{index}", "worker", "--health-port", str(port))
            )
            ready.append(f"http://127.0.0.1:{port}/readyz")
        for url in ready:
            self._wait_until_ready(url)

    def stop(self) -> None:
        for process, _ in self._processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _ in self._processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self._processes.clear()

    def _cli(self, *args: str) -> str:
        done = subprocess.run(
            [*VIDGATE, *args], env=self._env, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"vidgate {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time so far of the API processes, the workers and every PostgreSQL process."""
        by_role = {role: sum(map(_cpu_of, pids)) for role, pids in self._roles.items()}
        return by_role | {"postgres": sum(map(_cpu_of, _postgres_pids()))}

    def _spawn(self, name: str, *args: str) -> int:
        log = self._root / f"{name}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [*VIDGATE, *args],
                env=self._env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._processes.append((process, log))
        return process.pid

    def _wait_until_ready(self, url: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process, log in self._processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a process exited early:\n{log.read_text()}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{url} not ready in {timeout} s")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (Linux /proc); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
    return pids


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    return {
        "cpu": f"{os.cpu_count()} x {cpu}",
        "memory": memory,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
    }
