"""Absolute, signed, expiring URLs for stored files."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

from vidgate.domain.signing import UrlSigner

FILES_PREFIX = "/files/"


class FileUrls:
    def __init__(
        self,
        signer: UrlSigner,
        *,
        public_url: str,
        ttl_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._signer = signer
        self._base = public_url.rstrip("/")
        self.ttl_seconds = ttl_seconds
        self._clock = clock

    def url_for(self, blob_key: str) -> str:
        path = FILES_PREFIX + quote(blob_key)
        expires = int(self._clock()) + self.ttl_seconds
        return f"{self._base}{path}?{self._signer.query(path, expires)}"

    def expires_at(self) -> int:
        return int(self._clock()) + self.ttl_seconds

    def verify(self, path: str, expires: int, signature: str) -> bool:
        return self._signer.verify(path, expires, signature, self._clock())
