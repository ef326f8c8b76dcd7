"""Serving an ASGI app on 127.0.0.1 for tests that need real sockets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(
    app: Any, *, port: int | None = None, keep_alive_seconds: float = 5.0
) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread; yield its base URL. The server
    closes a connection idle for ``keep_alive_seconds``."""
    port = port or free_port()
    config = loopback_config(
        app,
        port,
        timeout_keep_alive=keep_alive_seconds,  # type: ignore[arg-type]
    )
    with running_server(config):
        yield f"http://127.0.0.1:{port}"


def loopback_config(app: Any, port: int, **options: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", **options
    )


@contextmanager
def running_server(config: uvicorn.Config) -> Iterator[None]:
    """Serve ``config`` in a background thread while the context lasts."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"test server on port {config.port} did not start")
        time.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
