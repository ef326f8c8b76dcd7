"""``Prefer: wait=N`` (RFC 7240): answer when the job ends or N seconds pass (N ≤ 60)."""

from __future__ import annotations

import re

from fastapi import Request

from vidgate.domain.errors import InvalidRequest

MAX_WAIT = 60.0
_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)


def requested_wait(request: Request) -> float:
    """Seconds the caller is willing to wait; 0 without the header."""
    prefer = request.headers.get("prefer")
    if not prefer:
        return 0.0
    match = _WAIT.search(prefer)
    if match is None:
        return 0.0
    seconds = float(match.group(1))
    if seconds > MAX_WAIT:
        raise InvalidRequest(
            f"Prefer: wait={match.group(1)}: at most {MAX_WAIT:.0f} seconds", field="Prefer"
        )
    return seconds
