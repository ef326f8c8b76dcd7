"""The blob store contract, run over every implementation (local folder, S3)."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from pathlib import Path

import httpx
import pytest

from vidgate.blobs.protocol import BlobLocation, BlobStore, LocalFile
from vidgate.domain.errors import NotFound

MB = 1024 * 1024
LARGE = 64 * MB
# The file is 64 MB; an upload that held it (or a quarter of it) in memory peaks above this.
FLAT_MEMORY_CEILING = 16 * MB


async def read_location(location: BlobLocation) -> tuple[bytes, str | None]:
    """What a client reading the location gets: the bytes and the content type it is told."""
    if isinstance(location, LocalFile):
        return location.path.read_bytes(), None
    async with httpx.AsyncClient() as client:
        response = await client.get(location.url)
    assert response.status_code == 200, response.text
    return response.content, response.headers["content-type"]


async def collect(blobs: BlobStore, key: str, chunk_size: int = MB) -> bytes:
    return b"".join([chunk async for chunk in blobs.open_stream(key, chunk_size)])


def write_large_file(path: Path, size: int) -> str:
    """A file of ``size`` bytes written 1 MB at a time; returns its sha256."""
    block = os.urandom(MB)
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        for _ in range(size // MB):
            handle.write(block)
            digest.update(block)
    return digest.hexdigest()


async def test_put_bytes_then_get_bytes_returns_them(blobs: BlobStore) -> None:
    info = await blobs.put_bytes("inputs/job_1/first.png", b"\x89PNG-bytes", "image/png")

    assert (info.key, info.size, info.content_type) == ("inputs/job_1/first.png", 10, "image/png")
    assert await blobs.get_bytes("inputs/job_1/first.png") == b"\x89PNG-bytes"


async def test_put_file_then_stat_reports_size_and_type(blobs: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "clip.mp4"
    source.write_bytes(b"m" * 5000)

    info = await blobs.put_file("outputs/job_1/video.mp4", source, "video/mp4")
    stat = await blobs.stat("outputs/job_1/video.mp4")

    assert info.size == 5000
    assert stat is not None
    assert (stat.size, stat.content_type) == (5000, "video/mp4")


async def test_putting_a_key_again_replaces_it(blobs: BlobStore) -> None:
    await blobs.put_bytes("outputs/job_1/thumb.jpg", b"old", "image/jpeg")
    await blobs.put_bytes("outputs/job_1/thumb.jpg", b"newer", "image/jpeg")

    assert await blobs.get_bytes("outputs/job_1/thumb.jpg") == b"newer"


async def test_a_missing_key_has_no_stat_and_cannot_be_read(blobs: BlobStore) -> None:
    assert await blobs.stat("outputs/nope/video.mp4") is None
    with pytest.raises(NotFound):
        await blobs.get_bytes("outputs/nope/video.mp4")
    with pytest.raises(NotFound):
        await collect(blobs, "outputs/nope/video.mp4")
    with pytest.raises(NotFound):
        await blobs.locate("outputs/nope/video.mp4", expires_in=60, filename=None)


async def test_open_stream_yields_the_bytes_in_chunks(blobs: BlobStore) -> None:
    data = bytes(range(256)) * 40
    await blobs.put_bytes("outputs/job_1/video.mp4", data, "video/mp4")

    chunks = [chunk async for chunk in blobs.open_stream("outputs/job_1/video.mp4", 1000)]

    assert b"".join(chunks) == data
    assert len(chunks) > 1
    assert all(len(chunk) <= 1000 for chunk in chunks)


async def test_locate_gives_a_place_a_client_reads_the_bytes_from(blobs: BlobStore) -> None:
    await blobs.put_bytes("outputs/job_1/video.mp4", b"the video", "video/mp4")

    location = await blobs.locate("outputs/job_1/video.mp4", expires_in=300, filename="job_1.mp4")
    data, content_type = await read_location(location)

    assert data == b"the video"
    assert content_type in (None, "video/mp4")


async def test_delete_prefix_removes_that_folder_and_nothing_beside_it(blobs: BlobStore) -> None:
    for key in ("outputs/job_1/video.mp4", "outputs/job_1/thumb.jpg", "outputs/job_10/video.mp4"):
        await blobs.put_bytes(key, b"x", "application/octet-stream")

    await blobs.delete_prefix("outputs/job_1/")

    assert await blobs.stat("outputs/job_1/video.mp4") is None
    assert await blobs.stat("outputs/job_1/thumb.jpg") is None
    assert await blobs.stat("outputs/job_10/video.mp4") is not None


async def test_deleting_a_prefix_with_nothing_under_it_is_not_an_error(blobs: BlobStore) -> None:
    await blobs.delete_prefix("inputs/never-stored/")


@pytest.mark.parametrize("key", ["../escape.mp4", "outputs/../../escape.mp4", "/etc/passwd"])
async def test_keys_that_climb_out_of_the_store_are_refused(blobs: BlobStore, key: str) -> None:
    with pytest.raises(NotFound):
        await blobs.put_bytes(key, b"x", "application/octet-stream")


async def test_ping_passes_when_the_store_is_usable(blobs: BlobStore) -> None:
    await blobs.ping()


async def test_a_large_file_is_stored_in_constant_memory(blobs: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "large.mp4"
    digest = write_large_file(source, LARGE)

    tracemalloc.start()
    try:
        await blobs.put_file("outputs/job_big/video.mp4", source, "video/mp4")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < FLAT_MEMORY_CEILING, f"peak {peak / MB:.1f} MB for a {LARGE // MB} MB file"
    stat = await blobs.stat("outputs/job_big/video.mp4")
    assert stat is not None and stat.size == LARGE
    streamed = hashlib.sha256()
    async for chunk in blobs.open_stream("outputs/job_big/video.mp4"):
        streamed.update(chunk)
    assert streamed.hexdigest() == digest
