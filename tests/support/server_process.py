"""``vidgate serve`` as a real subprocess on a free port, for end-to-end tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.servers import free_port

VIDGATE = [sys.executable, "-m", "vidgate.cli.main"]
KEY_LINE = re.compile(r"(admin key|sandbox key)\s+(vg_\w+_[\w-]+)")


def base_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDGATE_")}
    env.update(
        VIDGATE_DATA_DIR=str(data_dir),
        VIDGATE_LOG_LEVEL="warning",
        VIDGATE_SANDBOX_QUEUE_SECONDS="0.3",
        VIDGATE_SANDBOX_RUN_SECONDS="0.6",
        VIDGATE_LEASE_SECONDS="3",
        VIDGATE_CLAIM_INTERVAL_SECONDS="0.2",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def run_cli(args: list[str], env: Mapping[str, str], timeout: float = 60) -> str:
    done = subprocess.run(
        [*VIDGATE, *args], env=dict(env), capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise AssertionError(f"vidgate {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def create_key(env: Mapping[str, str], *extra: str, credits: int = 0, name: str = "test") -> str:
    out = run_cli(["keys", "create", "--name", name, "--credits", str(credits), *extra], env)
    return out.strip().splitlines()[-1]


@dataclass
class ServerProcess:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *extra: str, timeout: float = 60) -> ServerProcess:
        log = Path(self.env["VIDGATE_DATA_DIR"]) / f"server-{self.port}-{time.time():.0f}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log = log
        with log.open("w") as sink:
            self.process = subprocess.Popen(
                [*VIDGATE, "serve", "--port", str(self.port), *extra],
                env=self.env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early:\n{log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server did not answer in {timeout} s:\n{log.read_text()}")

    def printed_keys(self) -> dict[str, str]:
        return {m.group(1): m.group(2) for m in KEY_LINE.finditer(self._log.read_text())}

    def log_text(self) -> str:
        return self._log.read_text()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
