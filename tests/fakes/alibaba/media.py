"""The fake's result video: a real, tiny H.264 MP4, made once per test run."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from vidgate.media.encode import write_mp4

WIDTH, HEIGHT, FPS, FRAMES = 104, 60, 16, 16


@cache
def result_mp4() -> bytes:
    """Sixteen frames of a sliding gradient, 104x60 at Wan's 16 fps."""
    ramp = np.linspace(0, 255, WIDTH, dtype=np.uint8)
    frames = []
    for index in range(FRAMES):
        frame = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
        frame[..., 0] = np.roll(ramp, index * 4)[None, :]
        frame[..., 1] = 140
        frames.append(frame)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wan.mp4"
        write_mp4(path, frames, width=WIDTH, height=HEIGHT, fps=FPS)
        return path.read_bytes()
