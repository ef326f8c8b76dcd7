"""Importing the SDK never imports the server (import-linter checks the code; this checks
what actually gets loaded)."""

from __future__ import annotations

import json
import subprocess
import sys

SERVER_PARTS = (
    "vidgate.api",
    "vidgate.services",
    "vidgate.store",
    "vidgate.worker",
    "vidgate.engines",
    "vidgate.blobs",
    "vidgate.bootstrap",
    "vidgate.domain",
    "vidgate.config",
    "vidgate.cli",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "uvicorn",
    "alembic",
    "torch",
)


def test_importing_the_sdk_loads_no_server_module() -> None:
    code = (
        "import json, sys, vidgate.client, vidgate.client.types; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout)
    server = [m for m in loaded if m in SERVER_PARTS or m.startswith(_dotted(SERVER_PARTS))]
    assert server == []
    assert "httpx" in loaded and "pydantic" in loaded


def _dotted(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name + "." for name in names)


def test_the_generate_command_starts_without_the_server() -> None:
    code = (
        "import json, sys\n"
        "sys.argv = ['vidgate', 'generate', '--help']\n"
        "from vidgate.cli.main import app\n"
        "try:\n"
        "    app()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.splitlines()[-1])
    server_only = tuple(p for p in SERVER_PARTS if p not in ("vidgate.cli",))
    server = [m for m in loaded if m in server_only or m.startswith(_dotted(server_only))]
    assert "Usage: vidgate generate" in done.stdout
    assert server == []
