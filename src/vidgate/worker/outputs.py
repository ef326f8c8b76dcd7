"""Turning an engine's output into a stored, probed video.

A vendor's file is streamed to disk (bounded size and time, hashed on the way) before it is
stored, so the client's URL never depends on the vendor's expiring link.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import httpx

from vidgate.blobs.protocol import BlobStore
from vidgate.domain.errors import OutputInvalid, UpstreamUnavailable
from vidgate.domain.jobs import VideoResult
from vidgate.engines.protocol import EngineOutput, RemoteVideo

CHUNK = 1024 * 1024
PREVIEW_TYPES = {".webp": "image/webp", ".jpg": "image/jpeg"}


class OutputIngest:
    def __init__(
        self, blobs: BlobStore, http: httpx.AsyncClient, *, max_bytes: int, timeout: float
    ) -> None:
        self._blobs = blobs
        self._http = http
        self._max_bytes = max_bytes
        self._timeout = timeout

    async def store(self, job_id: str, output: EngineOutput, workdir: Path) -> VideoResult:
        if isinstance(output, RemoteVideo):
            path, digest = await self._download(output, workdir / "download.mp4")
        else:
            path, digest = output.path, await asyncio.to_thread(_sha256_of, output.path)
        size = path.stat().st_size
        if size == 0 or size > self._max_bytes:
            raise OutputInvalid(f"the video is {size} bytes; allowed 1..{self._max_bytes}")
        from vidgate.media.probe import probe_video  # PyAV, loaded by the first output

        facts = await asyncio.to_thread(probe_video, path)
        key = f"outputs/{job_id}/video.mp4"
        await self._blobs.put_file(key, path, "video/mp4")
        return VideoResult(
            blob_key=key,
            bytes=size,
            sha256=digest,
            width=facts.width,
            height=facts.height,
            fps=facts.fps,
            frames=facts.frames,
            duration=facts.duration,
            previews=await self._store_previews(job_id, path, workdir),
        )

    async def _store_previews(self, job_id: str, video: Path, workdir: Path) -> dict[str, str]:
        folder = workdir / "previews"
        folder.mkdir(exist_ok=True)
        from vidgate.media.previews import make_previews  # PyAV, loaded by the first output

        made = await asyncio.to_thread(make_previews, video, folder)
        stored = {}
        for variant, path in made.items():
            key = f"outputs/{job_id}/{path.name}"
            await self._blobs.put_file(key, path, PREVIEW_TYPES[path.suffix])
            stored[variant] = key
        return stored

    async def _download(self, video: RemoteVideo, target: Path) -> tuple[Path, str]:
        try:
            async with asyncio.timeout(self._timeout):
                return await self._stream_to(video, target)
        except TimeoutError:
            raise UpstreamUnavailable(
                f"downloading the result took longer than {self._timeout:.0f} s"
            ) from None
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(f"downloading the result failed: {exc!r}") from exc

    async def _stream_to(self, video: RemoteVideo, target: Path) -> tuple[Path, str]:
        digest = hashlib.sha256()
        written = 0
        async with self._http.stream(
            "GET", video.url, headers=dict(video.headers), follow_redirects=True
        ) as response:
            if response.status_code >= 400:
                raise OutputInvalid(f"the vendor's result URL answered HTTP {response.status_code}")
            declared = int(response.headers.get("content-length") or 0)
            if declared > self._max_bytes:
                raise OutputInvalid(f"the result is {declared} bytes; at most {self._max_bytes}")
            with target.open("wb") as handle:
                async for chunk in response.aiter_bytes(CHUNK):
                    written += len(chunk)
                    if written > self._max_bytes:
                        raise OutputInvalid(f"the result exceeds {self._max_bytes} bytes")
                    digest.update(chunk)
                    await asyncio.to_thread(handle.write, chunk)
        return target, digest.hexdigest()


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
