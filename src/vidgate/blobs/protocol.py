"""The blob store seam."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, slots=True)
class BlobInfo:
    key: str
    size: int
    content_type: str


@dataclass(frozen=True, slots=True)
class LocalFile:
    """The blob is a file on this machine; serve it directly."""

    path: Path


@dataclass(frozen=True, slots=True)
class RedirectTo:
    """The blob is elsewhere; send the client to this (presigned) URL."""

    url: str


BlobLocation = LocalFile | RedirectTo


class BlobStore(Protocol):
    async def put_file(self, key: str, path: Path, content_type: str) -> BlobInfo:
        """Store the file at ``path`` under ``key`` (streamed; constant memory)."""

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> BlobInfo: ...

    async def get_bytes(self, key: str) -> bytes: ...

    async def stat(self, key: str) -> BlobInfo | None: ...

    async def locate(self, key: str, *, expires_in: int, filename: str | None) -> BlobLocation:
        """Where a client can read the blob from for the next ``expires_in`` seconds."""

    def open_stream(self, key: str, chunk_size: int = 1024 * 1024) -> AsyncIterator[bytes]: ...

    async def delete_prefix(self, prefix: str) -> None: ...

    async def ping(self) -> None: ...
