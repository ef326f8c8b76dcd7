"""Load generators for the hot-path benchmark: wrk when installed, else a Python one.

Both are closed-loop: each of N connections (HTTP/1.1 keep-alive) sends a request, waits
for the whole answer, and sends the next, for a fixed number of seconds. Both return a
``LoadResult``. With wrk, a generated Lua script sets the POST body and headers once
(``wrk.body``), or, for polls, rotates through the given paths in ``request()``; its
``done()`` prints the counts and latency percentiles as one JSON line, so nothing is
scraped from wrk's human output. wrk counts a status >= 400 as an error (a 3xx would
count as a success; none of the measured routes redirects).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_WRK = "apt-get install -y wrk   # Debian/Ubuntu; or build https://github.com/wg/wrk"
MARKER = "HOTPATH "


@dataclass(frozen=True, slots=True)
class Load:
    """What to send: one fixed request (creates) or a rotation of paths (polls)."""

    method: str
    paths: tuple[str, ...]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    status_errors: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version(wrk: str) -> str:
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10, check=False)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def run(base_url: str, load: Load, connections: int, seconds: float) -> LoadResult:
    """Drive ``load`` at ``base_url`` for ``seconds`` over ``connections`` connections."""
    wrk = wrk_path()
    if wrk is not None:
        return _run_wrk(wrk, base_url, load, connections, seconds)
    return asyncio.run(_run_python(base_url, load, connections, seconds))


# --- wrk ------------------------------------------------------------------------------


def _run_wrk(wrk: str, base_url: str, load: Load, connections: int, seconds: float) -> LoadResult:
    threads = min(2, connections)  # two cores; wrk needs connections >= threads
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(load))
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    command += ["--timeout", "10s", "--latency", "-s", script.name, base_url + load.paths[0]]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARKER)), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {done.stdout[-500:]} {done.stderr[-500:]}")
    data = json.loads(line[len(MARKER) :])
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        status_errors=data["status"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
    )


def lua_script(load: Load) -> str:
    lines = [f"wrk.method = {_lua(load.method)}"]
    lines += [f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in load.headers.items()]
    if load.body:
        lines.append(f"wrk.body = {_lua(load.body.decode())}")
    if len(load.paths) > 1:
        lines.append("local paths = {" + ", ".join(_lua(p) for p in load.paths) + "}")
        lines += [
            "local n = 0",
            "request = function()",
            "  n = n + 1",
            "  return wrk.format(nil, paths[(n % #paths) + 1])",
            "end",
        ]
    lines += [
        "done = function(summary, latency, requests)",
        "  local e = summary.errors",
        f'  io.write(string.format("{MARKER}{{\\"requests\\": %d, \\"duration_us\\": %d, '
        '\\"p50_us\\": %d, \\"p99_us\\": %d, \\"connect\\": %d, \\"read\\": %d, '
        '\\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d}\\n", summary.requests, '
        "summary.duration, latency:percentile(50), latency:percentile(99), e.connect, "
        "e.read, e.write, e.status, e.timeout))",
        "end",
    ]
    return "\n".join(lines) + "\n"


def _lua(text: str) -> str:
    """A Lua string literal (JSON's escapes are a subset Lua reads the same way)."""
    return json.dumps(text)


# --- the Python fallback -------------------------------------------------------------


async def _run_python(base_url: str, load: Load, connections: int, seconds: float) -> LoadResult:
    host, _, port = base_url.removeprefix("http://").partition(":")
    requests = [_request_bytes(load, host, path) for path in load.paths]
    latencies: list[float] = []
    counts = {"status": 0, "socket": 0}
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(
                host, int(port), requests[i::connections] or requests, deadline, latencies, counts
            )
            for i in range(connections)
        )
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=_percentile(latencies, 0.50) * 1000,
        p99_ms=_percentile(latencies, 0.99) * 1000,
        status_errors=counts["status"],
        socket_errors=counts["socket"],
    )


async def _connection(
    host: str,
    port: int,
    requests: list[bytes],
    deadline: float,
    latencies: list[float],
    counts: dict[str, int],
) -> None:
    sent = 0
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            counts["socket"] += 1
            await asyncio.sleep(0.01)
            continue
        try:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                writer.write(requests[sent % len(requests)])
                sent += 1
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - began)
                if status >= 400:
                    counts["status"] += 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            counts["socket"] += 1
        finally:
            writer.close()


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status


def _request_bytes(load: Load, host: str, path: str) -> bytes:
    headers = {"Host": host, **load.headers}
    if load.body:
        headers["Content-Length"] = str(len(load.body))
    head = f"{load.method} {path} HTTP/1.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + load.body


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]
