"""The fake's result video: a real, tiny H.264 MP4, made once per test run."""

from __future__ import annotations

import base64
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from vidgate.media.encode import write_mp4

WIDTH, HEIGHT, FPS, FRAMES = 128, 72, 24, 12


@cache
def result_mp4() -> bytes:
    """Twelve frames of a sliding gradient, 128x72 at Veo's 24 fps."""
    ramp = np.linspace(0, 255, WIDTH, dtype=np.uint8)
    frames = []
    for index in range(FRAMES):
        frame = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
        frame[..., 1] = np.roll(ramp, index * 6)[None, :]
        frame[..., 2] = 90
        frames.append(frame)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "veo.mp4"
        write_mp4(path, frames, width=WIDTH, height=HEIGHT, fps=FPS)
        return path.read_bytes()


@cache
def encoded_result() -> str:
    """The result as base64, the way an operation carries it inline."""
    return base64.b64encode(result_mp4()).decode("ascii")
