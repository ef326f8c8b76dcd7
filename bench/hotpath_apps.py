"""The small servers the hot-path benchmark measures vidgate against, one per process.

    .venv/bin/python bench/hotpath_apps.py json --port 9001
    .venv/bin/python bench/hotpath_apps.py sqlite-insert --synchronous NORMAL --db /tmp/x.db
    .venv/bin/python bench/hotpath_apps.py sqlite-read --db /tmp/x.db
    .venv/bin/python bench/hotpath_apps.py fake-openai --port 9002

Each is a bare ASGI callable (no framework), run by uvicorn with the options
``vidgate serve`` gives it (``uvicorn.run(app, host, port, log_level, access_log=False)``,
so uvloop and httptools when installed), and prints ``ready`` once it listens:

- ``json``: reads the body, parses it with orjson, answers a 300-byte JSON object. The
  floor for any Python ASGI endpoint on this machine.
- ``fastapi-json``: the same as a FastAPI route behind vidgate's two ASGI middlewares
  (imported from ``vidgate.api``): the framework floor of every vidgate route.
- ``sqlite-insert``: the same as ``json``, plus one committed INSERT per request into a WAL database
  (``synchronous`` NORMAL like vidgate's ``store/sql/connections.py``, or FULL, which
  fsyncs the WAL on every commit). stdlib ``sqlite3`` on the event loop's thread: the
  cheapest durable write Python can do here.
- ``sqlite-read``: one primary-key SELECT per GET over a table of 10,000 rows, answering
  the row as JSON: the floor for a poll.
- ``fake-openai``: the upstream LiteLLM's proxy is routed to; answers ``POST /v1/videos``
  (any body, JSON or multipart) with a queued ``Video`` and ``GET /v1/videos/{id}`` with a
  completed one, as OpenAI would. Stateless, so its own cost stays small.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Startup = Callable[[], Awaitable[None]]

PADDING = "x" * 200  # brings the JSON answer to about the size of a vidgate poll answer


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def answer(send: Send, payload: object, status: int = 200) -> None:
    body = orjson.dumps(payload)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def lifespan(receive: Receive, send: Send, startup: Startup | None = None) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if startup is not None:
                await startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def http_only(handler: App, startup: Startup | None = None) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send, startup)
        else:
            await handler(scope, receive, send)

    return app


def json_app() -> App:
    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        request = orjson.loads(body) if body else {}
        await answer(send, {"id": uuid.uuid4().hex, "echo": request, "padding": PADDING})

    return http_only(handle)


def sqlite_insert_app(path: str, synchronous: str) -> App:
    db = _open(path, synchronous)
    db.execute("CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, body TEXT, created REAL)")

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        request = orjson.loads(body) if body else {}
        job_id = uuid.uuid4().hex
        with db:  # BEGIN … COMMIT: one durable transaction per request
            db.execute("INSERT INTO jobs VALUES (?, ?, ?)", (job_id, body.decode(), time.time()))
        await answer(send, {"id": job_id, "echo": request, "padding": PADDING})

    return http_only(handle)


def sqlite_read_app(path: str) -> App:
    db = _open(path, "NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS polls (id INTEGER PRIMARY KEY, body TEXT)")
    with db:
        db.executemany(
            "INSERT OR IGNORE INTO polls VALUES (?, ?)", ((i, PADDING) for i in range(10_000))
        )

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        row_id = int(scope["query_string"].rpartition(b"=")[2] or 0) % 10_000
        row = db.execute("SELECT id, body FROM polls WHERE id = ?", (row_id,)).fetchone()
        await answer(send, {"id": row[0], "status": "completed", "padding": row[1]})

    return http_only(handle)


def fastapi_json_app() -> App:
    """The JSON app as a FastAPI route behind vidgate's two ASGI middlewares (request ids,
    body size limit), read and answered the way vidgate's routes do (``Request.body()``,
    orjson, a plain ``Response``): the floor any vidgate route stands on."""
    from fastapi import FastAPI, Request
    from starlette.responses import Response

    from vidgate.api.limits import BodySizeLimit
    from vidgate.api.request_ids import RequestIds

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    async def handle(request: Request) -> Response:
        body = await request.body()
        echo = orjson.loads(body) if body else {}
        payload = {"id": uuid.uuid4().hex, "echo": echo, "padding": PADDING}
        return Response(orjson.dumps(payload), media_type="application/json")

    # Annotations are strings here (postponed evaluation) and these names are local, so
    # FastAPI could not resolve them: hand it the classes.
    handle.__annotations__ |= {"request": Request, "return": Response}
    app.add_api_route("/", handle, methods=["GET", "POST"])
    app.add_middleware(BodySizeLimit, max_bytes=32 * 1024 * 1024)
    app.add_middleware(RequestIds)
    return app  # type: ignore[return-value]


def fake_openai_app() -> App:
    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        path: str = scope["path"]
        if scope["method"] == "POST" and path == "/v1/videos":
            await answer(send, _video(f"video_{uuid.uuid4().hex}", "queued"))
        elif scope["method"] == "GET" and path.startswith("/v1/videos/"):
            await answer(send, _video(path.rsplit("/", 1)[1], "completed"))
        else:
            await answer(send, {"error": {"message": f"no route {path}", "type": "x"}}, 404)

    return http_only(handle)


def _video(video_id: str, status: str) -> dict[str, object]:
    now = int(time.time())
    done = status == "completed"
    return {
        "id": video_id,
        "object": "video",
        "created_at": now,
        "completed_at": now if done else None,
        "expires_at": now + 3600 if done else None,
        "status": status,
        "progress": 100 if done else 0,
        "model": "sora-2",
        "seconds": "4",
        "size": "1280x720",
        "prompt": "bench",
        "remixed_from_video_id": None,
        "error": None,
    }


def _open(path: str, synchronous: str) -> sqlite3.Connection:
    # The default (legacy) transaction control: the INSERT opens a transaction and
    # `with db:` commits it.
    db = sqlite3.connect(path, check_same_thread=False)
    for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "busy_timeout=15000"):
        db.execute(f"PRAGMA {pragma}")
    return db


def build(args: argparse.Namespace) -> App:
    if args.app == "json":
        return json_app()
    if args.app == "fastapi-json":
        return fastapi_json_app()
    if args.app == "sqlite-insert":
        return sqlite_insert_app(args.db, args.synchronous)
    if args.app == "sqlite-read":
        return sqlite_read_app(args.db)
    return fake_openai_app()


class _ReadyServer(uvicorn.Server):
    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        print("ready", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    apps = ("json", "fastapi-json", "sqlite-insert", "sqlite-read", "fake-openai")
    parser.add_argument("app", choices=apps)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", default=os.devnull)
    parser.add_argument("--synchronous", choices=("NORMAL", "FULL"), default="NORMAL")
    args = parser.parse_args(argv)
    # The options `vidgate serve` passes (src/vidgate/cli/server.py); loop and http are
    # uvicorn's "auto": uvloop and httptools when installed, as for vidgate.
    config = uvicorn.Config(
        build(args), host=args.host, port=args.port, log_level="warning", access_log=False
    )
    _ReadyServer(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
