"""The fakes' signed result links: an HMAC of the file's name and expiry, checked on download.

Each fake puts the expiry and signature in its vendor's query parameters (``expires``/``sig``,
``_jwt``, ``Expires``/``Signature``); the signing and the check are the same for all.
"""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: bytes, name: str, expires: int) -> str:
    return hmac.new(secret, f"{name}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def link_is_valid(secret: bytes, name: str, expires: str, sig: str, now: float) -> bool:
    """Whether the link was signed with ``secret`` and has not expired at ``now``."""
    if not expires.isdigit() or int(expires) < now:
        return False
    return hmac.compare_digest(signature(secret, name, int(expires)), sig)
