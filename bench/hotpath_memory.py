"""Where an idle ``vidgate serve``'s resident memory comes from, package by package.

    .venv/bin/python bench/hotpath_memory.py          # prints JSON; run with serve's env

In a fresh interpreter it first imports ``vidgate.cli.server`` (what ``vidgate serve``
imports before it starts) to learn which of the heavy packages below it pulls in; then, in
a second fresh interpreter, imports just those, one at a time in this order, and reads
VmRSS after each. A package's figure is what it added on top of the ones before it (shared
dependencies count for the first that needs them, so the order matters; it runs from
leaves to frameworks). "vidgate and the rest" is ``vidgate.cli.server`` on top of them all.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

CANDIDATES = (
    "numpy",
    "av",
    "PIL",
    "pydantic",
    "starlette",
    "fastapi",
    "sqlalchemy",
    "sqlalchemy.ext.asyncio",
    "asyncpg",
    "alembic",
    "httpx",
    "jwt",
    "boto3",
    "uvicorn",
    "uvloop",
    "rich",
    "typer",
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def imported_by_serve() -> list[str]:
    import vidgate.cli.server  # noqa: F401  (what `vidgate serve` imports to start)

    return [name for name in CANDIDATES if name in sys.modules]


def breakdown(names: list[str]) -> dict[str, float]:
    steps = {"python itself": rss_mb()}
    last = steps["python itself"]
    for name in [*names, "vidgate.cli.server"]:
        importlib.import_module(name)
        now = rss_mb()
        steps["vidgate and the rest" if name == "vidgate.cli.server" else name] = now - last
        last = now
    steps["total after imports"] = last
    return steps


def main(argv: list[str]) -> int:
    if argv[:1] == ["--which"]:
        print(json.dumps(imported_by_serve()))
        return 0
    if argv[:1] == ["--breakdown"]:
        print(json.dumps(breakdown(json.loads(argv[1]))))
        return 0
    me = [sys.executable, __file__]
    names = subprocess.run(
        [*me, "--which"], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    steps = subprocess.run(
        [*me, "--breakdown", names], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    print(steps.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
