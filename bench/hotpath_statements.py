"""Count what one create or poll costs in database work: SQL statements and thread hops.

    .venv/bin/python bench/hotpath_statements.py '{"keys": {"sandbox": "vg_test_…",
        "live": "vg_live_…"}, "polls": {"poll-aiml-sandbox": "/v2/video/…", …}}'

Run by ``bench/hotpath.py`` with the benchmark server's environment (the same
``VIDGATE_*`` variables, data directory and keys), it builds the app in-process with
``create_server_app(Settings())`` (worker off) and sends each request through
``httpx.ASGITransport``: no sockets, so the counts are exact and nothing else runs. It
counts, per request, the SQL statements SQLite runs (a trace callback on every
``sqlite3`` connection the process opens, so ``BEGIN``/``COMMIT`` and the statements run
straight on the driver count too) and the calls handed to a thread and back (every
``ThreadPoolExecutor.submit``: the SQLite writer's and readers' threads, the default
executor). Prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sqlite3.dbapi2
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from vidgate.bootstrap import create_server_app
from vidgate.config import Settings

PROMPT = "A red fox trots across fresh snow at dawn, low sun, long shadows."
CREATES = {
    "aiml": ("/v2/video/generations", {"model": "veo2", "prompt": PROMPT}),
    "openai": (
        "/v1/videos",
        {"model": "veo2", "prompt": PROMPT, "seconds": "5", "size": "1280x720"},
    ),
}
REQUESTS = 20


class Counts:
    def __init__(self) -> None:
        self.statements: Counter[str] = Counter()
        self.hops: Counter[str] = Counter()

    def reset(self) -> None:
        self.statements.clear()
        self.hops.clear()


def instrument(counts: Counts) -> None:
    def on_statement(sql: str) -> None:
        counts.statements[" ".join(sql.split())[:70]] += 1

    connect = sqlite3.connect

    def traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(on_statement)
        return connection

    # vidgate's loop connection calls sqlite3.connect; SQLAlchemy calls sqlite3.dbapi2's.
    sqlite3.connect = sqlite3.dbapi2.connect = traced_connect  # type: ignore[assignment]
    submit = ThreadPoolExecutor.submit

    def counted_submit(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        counts.hops[getattr(fn, "__name__", repr(fn))] += 1
        return submit(self, fn, *args, **kwargs)

    ThreadPoolExecutor.submit = counted_submit  # type: ignore[method-assign]


async def measure(keys: dict[str, str], polls: dict[str, str]) -> dict[str, Any]:
    counts = Counts()
    instrument(counts)
    app = create_server_app(Settings(worker_enabled=False))
    results: dict[str, Any] = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for key_name, secret in keys.items():
                auth = {"Authorization": f"Bearer {secret}"}
                for dialect, (path, body) in CREATES.items():
                    create = http.build_request("POST", path, json=body, headers=auth)
                    slug = f"create-{dialect}-{key_name}"
                    results[slug], job_id = await _count(http, counts, create)
                    slug = f"poll-{dialect}-{key_name}"
                    poll = polls.get(slug) or _poll_path(dialect, job_id)  # a completed job
                    request = http.build_request("GET", poll, headers=auth)
                    results[slug], _ = await _count(http, counts, request)
    return results


async def _count(
    http: httpx.AsyncClient, counts: Counts, request: httpx.Request
) -> tuple[dict[str, Any], str]:
    for _ in range(3):  # warm: caches (auth, compiled statements) filled as in a long run
        (await http.send(request)).raise_for_status()
    counts.reset()
    for _ in range(REQUESTS):
        reply = await http.send(request)
        reply.raise_for_status()
    summary = {
        "statements_per_request": sum(counts.statements.values()) / REQUESTS,
        "thread_hops_per_request": sum(counts.hops.values()) / REQUESTS,
        "statements": {k: v / REQUESTS for k, v in counts.statements.most_common()},
        "hops": {k: v / REQUESTS for k, v in counts.hops.most_common()},
    }
    return summary, str(reply.json()["id"])


def _poll_path(dialect: str, job_id: str) -> str:
    if dialect == "aiml":
        return f"/v2/video/generations?generation_id={job_id}"
    return f"/v1/videos/{job_id}"


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])
    print(json.dumps(asyncio.run(measure(request["keys"], request.get("polls", {})))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
