"""The engine's handle on one child process: spawn it, talk to it, notice when it dies.

The pipe is read with ``loop.add_reader`` while a job runs, so the event loop never blocks
on it; the reader is registered per job, in whichever loop runs that job. Messages are a
few hundred bytes, written atomically, so a readable pipe always holds a whole message.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType

from vidgate.engines.diffusers import child_main
from vidgate.engines.diffusers.messages import Command, Event

JOIN_SECONDS = 10.0
ChildMain = Callable[[Connection], None]


@dataclass(frozen=True, slots=True)
class ChildExited:
    """The pipe closed: the child process is gone (crashed, killed, or out of memory)."""


class EventStream:
    """The child's messages for the duration of one job, as an async queue."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._fd = conn.fileno()
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Event | ChildExited] = asyncio.Queue()
        self._reading = False

    def __enter__(self) -> EventStream:
        self._loop.add_reader(self._fd, self._on_readable)
        self._reading = True
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_reading()

    async def next(self, within: float) -> Event | ChildExited | None:
        """The next message, or ``None`` when ``within`` seconds pass without one."""
        try:
            return await asyncio.wait_for(self._queue.get(), within)
        except TimeoutError:
            return None

    def _on_readable(self) -> None:
        try:
            event: Event | ChildExited = self._conn.recv()
        except (EOFError, OSError):
            self.stop_reading()
            event = ChildExited()
        self._queue.put_nowait(event)

    def stop_reading(self) -> None:
        """Unregister the pipe before it is closed, so the loop never watches a reused fd."""
        if self._reading:
            self._loop.remove_reader(self._fd)
            self._reading = False


class ChildProcess:
    """A spawned process running ``child.serve`` and the engine's end of its pipe."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self._process = process
        self._conn = conn
        self._stream: EventStream | None = None

    @classmethod
    def spawn(cls, name: str, main: ChildMain = child_main.serve) -> ChildProcess:
        """Start ``main(conn)`` in a new interpreter; ``main`` must be importable by name."""
        # spawn, not fork: a forked child would inherit the server's threads and sockets,
        # and CUDA cannot be initialised again in a fork.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(target=main, args=(theirs,), name=name, daemon=True)
        # Inline, not in a thread: it takes milliseconds (fork, exec, write the preparation
        # data), and a start that outlived a cancelled await would leave an orphan child.
        process.start()
        theirs.close()  # only the child holds its end now, so its death closes the pipe
        return cls(process, ours)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def events(self) -> EventStream:
        self._stream = EventStream(self._conn)
        return self._stream

    def send(self, command: Command) -> None:
        """Best effort: if the child is gone, the event stream reports it."""
        with contextlib.suppress(OSError):
            self._conn.send(command)

    async def stop(self) -> None:
        """Close the pipe, so the child returns from its loop; kill it if it lingers."""
        self._close_pipe()
        await self.reap()

    async def kill(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        await self.reap()

    async def reap(self) -> int | None:
        """Wait for the process to end (killing it after ``JOIN_SECONDS``); its exit code."""
        await asyncio.to_thread(self._process.join, JOIN_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            await asyncio.to_thread(self._process.join, JOIN_SECONDS)
        self._close_pipe()
        return self._process.exitcode

    def _close_pipe(self) -> None:
        if self._stream is not None:
            self._stream.stop_reading()
        self._conn.close()
