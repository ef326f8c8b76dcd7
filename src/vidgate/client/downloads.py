"""Writing a download so that ``path`` is either the whole file or untouched: the body goes
to a hidden temporary file beside it, renamed over ``path`` only once complete."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import BinaryIO

import anyio
from anyio import AsyncFile

# The async writer hands the file this much at a time to a worker thread: one thread hop
# per MiB rather than per network read (64 KiB or less). Memory stays under that plus one read.
WRITE_BYTES = 1024 * 1024


def partial_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.part")


@contextmanager
def partial_file(target: Path) -> Iterator[BinaryIO]:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = partial_path(target)
    try:
        with temporary.open("wb") as sink:
            yield sink
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


@asynccontextmanager
async def async_partial_file(target: Path) -> AsyncIterator[AsyncFile[bytes]]:
    await anyio.Path(target.parent).mkdir(parents=True, exist_ok=True)
    temporary = anyio.Path(partial_path(target))
    try:
        async with await anyio.open_file(temporary, "wb") as sink:
            yield sink
        await temporary.replace(target)
    finally:
        await temporary.unlink(missing_ok=True)


def save(chunks: Iterable[bytes], target: Path) -> None:
    with partial_file(target) as sink:
        for chunk in chunks:
            sink.write(chunk)


async def save_async(chunks: AsyncIterable[bytes], target: Path) -> None:
    async with async_partial_file(target) as sink:
        pending: list[bytes] = []
        size = 0
        async for chunk in chunks:
            pending.append(chunk)
            size += len(chunk)
            if size >= WRITE_BYTES:
                await sink.write(b"".join(pending))
                pending.clear()
                size = 0
        await sink.write(b"".join(pending))
