"""Veo's long-running operation, read from either surface's JSON. Pure functions.

    Gemini:  response.generateVideoResponse.generatedSamples[i].video.{uri | encodedVideo}
    Vertex:  response.videos[i].{gcsUri | bytesBase64Encoded}
    both:    done, error {code, message}, raiMediaFilteredCount, raiMediaFilteredReasons

Both shapes are read whatever the surface, so a response moved between the two (the SDKs
already read ``encodedVideo`` on Gemini) still parses. ``@type`` is never relied on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class GeneratedVideo:
    """Where one sample is: a URI (Gemini file, ``gs://`` object) or inline base64 bytes."""

    uri: str | None = None
    inline_base64: str | None = None
    mime: str = "video/mp4"


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    done: bool
    error: Mapping[str, Any] | None = None
    videos: tuple[GeneratedVideo, ...] = ()
    filtered_count: int = 0
    filtered_reasons: list[str] = field(default_factory=list)


def read_operation(body: object) -> Operation | None:
    """The operation in ``body``, or None when the body is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return None
    result = _result(body.get("response"))
    error = body.get("error")
    return Operation(
        name=body["name"],
        done=body.get("done") is True,
        error=error if isinstance(error, dict) else None,
        videos=_videos(result),
        filtered_count=_count(result.get("raiMediaFilteredCount")),
        filtered_reasons=_strings(result.get("raiMediaFilteredReasons")),
    )


def _result(response: object) -> Mapping[str, Any]:
    if not isinstance(response, dict):
        return {}
    nested = response.get("generateVideoResponse")
    return nested if isinstance(nested, dict) else response


def _videos(result: Mapping[str, Any]) -> tuple[GeneratedVideo, ...]:
    samples = result.get("generatedSamples")
    videos = result.get("videos")
    found: list[GeneratedVideo | None] = []
    if isinstance(samples, list):
        found = [_gemini_video(s.get("video")) for s in samples if isinstance(s, dict)]
    elif isinstance(videos, list):
        found = [_vertex_video(v) for v in videos]
    return tuple(video for video in found if video is not None)


def _gemini_video(video: object) -> GeneratedVideo | None:
    if not isinstance(video, dict):
        return None
    return _video(video.get("uri"), video.get("encodedVideo"), video.get("encoding"))


def _vertex_video(video: object) -> GeneratedVideo | None:
    if not isinstance(video, dict):
        return None
    return _video(video.get("gcsUri"), video.get("bytesBase64Encoded"), video.get("mimeType"))


def _video(uri: object, inline: object, mime: object) -> GeneratedVideo | None:
    uri = uri if isinstance(uri, str) and uri else None
    inline = inline if isinstance(inline, str) and inline else None
    if uri is None and inline is None:
        return None
    return GeneratedVideo(uri, inline, mime if isinstance(mime, str) and mime else "video/mp4")


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
