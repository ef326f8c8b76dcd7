"""The child process's entry point, kept apart from ``child.py`` so that the server, which
only names it, does not import numpy, PyAV and the pipeline code it never runs."""

from __future__ import annotations

from multiprocessing.connection import Connection


def serve(conn: Connection) -> None:
    from vidgate.engines.diffusers import child

    child.serve(conn)
