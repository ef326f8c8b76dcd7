"""Blobs as files under one folder. Keys are relative paths; nothing escapes the root."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

from vidgate.blobs.protocol import BlobInfo, BlobLocation, LocalFile
from vidgate.domain.errors import NotFound


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise NotFound(f"no such object: {key!r}")
        return path

    async def put_file(self, key: str, path: Path, content_type: str) -> BlobInfo:
        target = self.path_for(key)
        await asyncio.to_thread(_copy_atomically, path, target)
        return BlobInfo(key=key, size=target.stat().st_size, content_type=content_type)

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        target = self.path_for(key)
        await asyncio.to_thread(_write_atomically, target, data)
        return BlobInfo(key=key, size=len(data), content_type=content_type)

    async def get_bytes(self, key: str) -> bytes:
        path = self.path_for(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise NotFound(f"no such object: {key!r}") from None

    async def stat(self, key: str) -> BlobInfo | None:
        path = self.path_for(key)
        if not path.is_file():
            return None
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return BlobInfo(key=key, size=path.stat().st_size, content_type=content_type)

    async def locate(self, key: str, *, expires_in: int, filename: str | None) -> BlobLocation:
        path = self.path_for(key)
        if not path.is_file():
            raise NotFound(f"no such object: {key!r}")
        return LocalFile(path)

    async def open_stream(self, key: str, chunk_size: int = 1024 * 1024) -> AsyncIterator[bytes]:
        path = self.path_for(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise NotFound(f"no such object: {key!r}") from None
        with handle:
            while chunk := await asyncio.to_thread(handle.read, chunk_size):
                yield chunk

    async def delete_prefix(self, prefix: str) -> None:
        target = self.path_for(prefix.rstrip("/"))
        if target.is_dir():
            await asyncio.to_thread(shutil.rmtree, target, True)
        elif target.exists():
            target.unlink(missing_ok=True)

    async def ping(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise OSError(f"blob folder {self.root} is not writable")


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, target)
