"""Images and videos for tests."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image


def png_bytes(
    width: int = 640,
    height: int = 360,
    color: tuple[int, int, int] = (200, 120, 40),
    fmt: str = "PNG",
) -> bytes:
    image = Image.new("RGB", (width, height), color)
    # A gradient, so the image is not flat and motion in the video is measurable.
    pixels = np.asarray(image).copy()
    pixels[..., 1] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


@dataclass(frozen=True)
class DecodedVideo:
    codec: str
    width: int
    height: int
    frames: int
    fps: float
    duration: float


def decode_video(path: Path) -> DecodedVideo:
    """Decode every frame (a real check, not just the headers)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        count = sum(1 for _ in container.decode(stream))
        rate = stream.average_rate
        return DecodedVideo(
            codec=stream.codec_context.name,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            frames=count,
            fps=float(rate) if rate else 0.0,
            duration=(
                float(stream.duration * stream.time_base)
                if stream.duration and stream.time_base
                else 0.0
            ),
        )
