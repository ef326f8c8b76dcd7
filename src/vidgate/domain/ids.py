"""Identifiers and secrets."""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time

from vidgate.domain.jobs import KeyKind

_SECRET_PREFIX = {KeyKind.LIVE: "vg_live_", KeyKind.SANDBOX: "vg_test_"}


class _RandomBytes:
    """Bytes from the OS's CSPRNG, read 4 KiB at a time.

    A create needs random bytes three times (job id, seed, request id); one ``getrandom``
    call each showed as ~8% of its CPU. A forked child starts with an empty buffer, so two
    processes never hand out the same bytes.
    """

    def __init__(self, chunk: int = 4096) -> None:
        self._chunk = chunk
        self._buffer = b""
        self._used = 0
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget)

    def take(self, count: int) -> bytes:
        with self._lock:
            if self._used + count > len(self._buffer):
                self._buffer, self._used = os.urandom(max(self._chunk, count)), 0
            start, self._used = self._used, self._used + count
            return self._buffer[start : self._used]

    def _forget(self) -> None:
        self._buffer, self._used = b"", 0
        self._lock = threading.Lock()


random_bytes = _RandomBytes().take


def new_job_id() -> str:
    """``video_`` + 32 hex digits whose first 12 are the time in ms, so ids sort by age.

    The prefix keeps the ids the OpenAI dialect expects; the rest is URL-safe everywhere.
    """
    millis = int(time.time() * 1000)
    return f"video_{millis:012x}{random_bytes(10).hex()}"


def random_seed() -> int:
    """A generation seed, 0 ≤ seed < 2**31."""
    return int.from_bytes(random_bytes(4), "big") & 0x7FFFFFFF


def new_key_id() -> str:
    return f"key_{secrets.token_hex(8)}"


def new_secret(kind: KeyKind) -> str:
    return _SECRET_PREFIX[kind] + secrets.token_urlsafe(30)


def hash_secret(secret: str) -> str:
    """SHA-256: the secrets carry 240 random bits, so a slow password hash buys nothing here
    and would cost a millisecond on every request."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[:12]
