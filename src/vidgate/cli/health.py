"""A worker's ``/healthz`` and ``/readyz`` on a port of their own, served by uvicorn.

The socket is bound before anything else starts, so a port already taken fails the start
with a message instead of a traceback; uvicorn's own signal handling is left out, since
the worker's handlers decide when the process stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn

from vidgate.api.context import ApiContext
from vidgate.api.health import create_health_app


class HealthListener:
    def __init__(self, bound: socket.socket) -> None:
        self._socket = bound
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def bind(cls, host: str, port: int) -> HealthListener:
        """Raises OSError when ``host:port`` cannot be listened on."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        bound = socket.socket(family, socket.SOCK_STREAM)
        try:
            bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            bound.bind((host, port))
        except OSError:
            bound.close()
            raise
        return cls(bound)

    def start(self, context: ApiContext) -> asyncio.Task[None]:
        config = uvicorn.Config(
            create_health_app(context), lifespan="off", log_level="warning", access_log=False
        )
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        return self._task

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await asyncio.wait({self._task})
        self._socket.close()


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
