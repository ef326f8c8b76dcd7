"""The sans-IO seam. Every SDK call is an *operation*: a generator that yields steps (send
this request, sleep this long) and receives their outcomes. Retries, waiting and parsing
live in the operations, once; ``Client`` and ``AsyncClient`` are thin drivers that perform
the steps with ``httpx.Client`` / ``httpx.AsyncClient`` (``drivers.py``)."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias, TypeVar

import httpx

from vidgate.client.calls import Call

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Send:
    """Send ``call``; with ``save_to``, stream a 2xx body into that file (temp + rename)."""

    call: Call
    save_to: Path | None = None


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


Step: TypeAlias = Send | Sleep
# What a driver answers: the response (body read, or already saved) or the transport error
# for a Send; None for a Sleep.
Outcome: TypeAlias = httpx.Response | httpx.TransportError | None
Operation: TypeAlias = Generator[Step, Outcome, T]
