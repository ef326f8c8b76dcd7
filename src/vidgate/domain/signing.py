"""Expiring HMAC signatures for file URLs."""

from __future__ import annotations

import base64
import hashlib
import hmac


class UrlSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def signature(self, path: str, expires: int) -> str:
        mac = hmac.new(self._secret, f"{path}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:24]).decode("ascii").rstrip("=")

    def query(self, path: str, expires: int) -> str:
        return f"expires={expires}&signature={self.signature(path, expires)}"

    def verify(self, path: str, expires: int, signature: str, now: float) -> bool:
        if expires < now:
            return False
        return hmac.compare_digest(self.signature(path, expires), signature)
