"""The fake vendors of the polling benchmark, in a process of their own, with a poll clock.

    python -m bench.polling_fakes runway google

serves each named fake (from ``tests.fakes``) on 127.0.0.1, prints ``{vendor: base_url}``
as one JSON line once they listen, and serves until its standard input closes. Tasks never
finish: Runway's run for ``RUNWAY_RUN_POLLS`` polls (its ``progress`` moves, as a real
task's does, so the worker writes progress), Google's operations stay ``running``.

``PollClock`` wraps each fake: it notes the wall-clock arrival of every poll per task id
and answers ``GET /_bench/polls`` (``?summary=1``: counts only) so the benchmark can
measure the intervals the vendor actually saw. The fakes' own request logs are emptied
after every request, so a long run does not grow this process without bound.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections import defaultdict
from typing import Any

import uvicorn
import uvloop
from starlette.types import ASGIApp, Receive, Scope, Send
from tests.support.vendor_fakes import VENDORS, Fake, Vendor, fake_app, new_fake

RUNWAY_RUN_POLLS = 400
FOREVER = 10**9
POLL_PATHS: dict[Vendor, re.Pattern[str]] = {
    "runway": re.compile(r"^/v1/tasks/([^/]+)$"),
    "google": re.compile(r"^/v1beta/models/[^/]+/operations/([^/]+)$"),
    "kling": re.compile(r"^/v1/videos/[a-z0-9]+/([^/]+)$"),
    "alibaba": re.compile(r"^/api/v1/tasks/([^/]+)$"),
}


class PollClock:
    """ASGI middleware noting when each poll of each task arrived."""

    def __init__(self, vendor: Vendor, fake: Fake) -> None:
        self._pattern = POLL_PATHS[vendor]
        self._fake = fake
        self._app: ASGIApp = fake_app(fake)
        self.arrivals: defaultdict[str, list[float]] = defaultdict(list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/_bench/polls":
            await _send_json(send, self._report(scope))
            return
        if scope["method"] == "GET" and (match := self._pattern.match(scope["path"])):
            self.arrivals[match.group(1)].append(time.time())
        await self._app(scope, receive, send)
        self._fake.requests.clear()

    def _report(self, scope: Scope) -> dict[str, Any]:
        polls = sum(len(times) for times in self.arrivals.values())
        summary = {"tasks": len(self.arrivals), "polls": polls}
        if b"summary=1" in scope.get("query_string", b""):
            return summary
        return summary | {"arrivals": self.arrivals}


def fake_for(vendor: Vendor) -> Fake:
    if vendor == "runway":
        return new_fake("runway", hold_polls=RUNWAY_RUN_POLLS)
    return new_fake(vendor, hold_polls=FOREVER)


async def serve(vendors: list[Vendor]) -> None:
    servers = [_server(PollClock(vendor, fake_for(vendor))) for vendor in vendors]
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    while not all(server.started for server in servers):  # noqa: ASYNC110 (uvicorn's flag)
        await asyncio.sleep(0.05)
    urls = {
        vendor: f"http://127.0.0.1:{_port(s)}" for vendor, s in zip(vendors, servers, strict=True)
    }
    print(json.dumps(urls), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*tasks)


def _server(app: ASGIApp) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        loop="uvloop",
        http="httptools",
        access_log=False,
        backlog=4096,
    )
    return uvicorn.Server(config)


def _port(server: uvicorn.Server) -> int:
    return int(server.servers[0].sockets[0].getsockname()[1])


async def _send_json(send: Send, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def main(argv: list[str]) -> None:
    vendors = [v for v in VENDORS if v in argv and v in POLL_PATHS] or ["runway", "google"]
    uvloop.run(serve(vendors))


if __name__ == "__main__":
    main(sys.argv[1:])
