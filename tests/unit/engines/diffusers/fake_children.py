"""Scripted child processes, one per failure mode, that answer ``Start`` without torch.

Each is a child main (``main(conn)``) that ``DeviceSlot`` can spawn in place of the real
``child.serve``: they speak the same messages, so the engine side is tested in a fraction
of a second per case.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

from vidgate.engines.diffusers.messages import Done, Error, ErrorKind, Output, Progress, Start


def _starts(conn: Connection) -> Iterator[Start]:
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if isinstance(message, Start):
            yield message


def _fail_with(conn: Connection, kind: ErrorKind, message: str) -> None:
    for start in _starts(conn):
        conn.send(Progress(start.job_id, 1, 2))
        conn.send(Error(start.job_id, kind, message))
        conn.send(Done(start.job_id))


def succeeds(conn: Connection) -> None:
    for start in _starts(conn):
        Path(start.output_path).write_bytes(b"not really an mp4")
        conn.send(Progress(start.job_id, 1, 1))
        conn.send(Output(start.job_id, start.output_path, start.request.frames))
        conn.send(Done(start.job_id))


def runs_out_of_memory(conn: Connection) -> None:
    _fail_with(conn, "out_of_memory", "OutOfMemoryError: CUDA out of memory")


def fails_to_load(conn: Connection) -> None:
    _fail_with(conn, "load_failed", "could not load the model from /models/x: no such folder")


def raises_a_bug(conn: Connection) -> None:
    _fail_with(conn, "failed", "ValueError: something unexpected")


def exits_mid_run(conn: Connection) -> None:
    for start in _starts(conn):
        conn.send(Progress(start.job_id, 1, 2))
        os._exit(3)


def ignores_cancel(conn: Connection) -> None:
    for start in _starts(conn):
        conn.send(Progress(start.job_id, 1, 2))
        time.sleep(3600)  # stuck in a long step: never reads the pipe
