"""Writing frames to an H.264 MP4 with PyAV (its wheel ships FFmpeg with libx264)."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import numpy as np
import numpy.typing as npt

FrameFormat = Literal["rgb24", "yuv420p"]
Frame = npt.NDArray[np.uint8]


def write_mp4(
    path: Path,
    frames: Iterable[Frame],
    *,
    width: int,
    height: int,
    fps: float,
    frame_format: FrameFormat = "rgb24",
    crf: int = 23,
    preset: str = "veryfast",
) -> int:
    """Encode ``frames`` to ``path`` and return how many were written.

    ``rgb24`` frames are (height, width, 3); ``yuv420p`` frames are the three planes stacked
    as one (height * 3 // 2, width) array, which skips a colour conversion per frame.
    Encoding is single-threaded, so the same frames always give the same bytes.
    """
    if width % 2 or height % 2:
        raise ValueError(f"H.264 4:2:0 needs even sizes, got {width}x{height}")
    count = 0
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=_rate(fps))
        stream.width = width
        stream.height = height
        stream.pix_fmt = "yuv420p"
        stream.codec_context.thread_count = 1
        # MB-tree reads uninitialised memory on tiny frames (<= 64 px), which makes the
        # output differ run to run; without it, the same frames give the same bytes.
        stream.options = {"crf": str(crf), "preset": preset, "x264-params": "mbtree=0"}
        for array in frames:
            frame = av.VideoFrame.from_ndarray(array, format=frame_format)
            container.mux(stream.encode(frame))
            count += 1
        container.mux(stream.encode(None))
    return count


def _rate(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)
