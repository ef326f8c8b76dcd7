"""Identifiers and secrets."""

from __future__ import annotations

import hashlib
import os
import secrets
import time

from vidgate.domain.jobs import KeyKind

_SECRET_PREFIX = {KeyKind.LIVE: "vg_live_", KeyKind.SANDBOX: "vg_test_"}


def new_job_id() -> str:
    """``video_`` + 32 hex digits whose first 12 are the time in ms, so ids sort by age.

    The prefix keeps the ids the OpenAI dialect expects; the rest is URL-safe everywhere.
    """
    millis = int(time.time() * 1000)
    return f"video_{millis:012x}{os.urandom(10).hex()}"


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
