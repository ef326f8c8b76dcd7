"""Reading the ``Idempotency-Key`` header into what the store keeps."""

from __future__ import annotations

import hashlib

from fastapi import Request

from vidgate.domain.errors import InvalidRequest
from vidgate.store.protocol import IdempotentCreate

MAX_KEY_LENGTH = 255


def idempotency(request: Request, fingerprint: bytes) -> IdempotentCreate | None:
    """The key with a hash of the route and the request's canonical content, if given."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidRequest(
            f"Idempotency-Key: 1 to {MAX_KEY_LENGTH} characters", field="Idempotency-Key"
        )
    digest = hashlib.sha256(request.url.path.encode() + b"\n" + fingerprint).hexdigest()
    return IdempotentCreate(key=key, request_hash=digest)
