"""The fakes' result video: a real, tiny H.264 MP4 (a sliding gradient), made once per size.

Each fake serves it at its vendor's frame rate and a small size of its own, so a test can tell
the vendors' results apart and decode every frame in milliseconds.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from vidgate.media.encode import write_mp4


@cache
def tiny_mp4(width: int = 128, height: int = 72, *, fps: int = 8, frames: int = 8) -> bytes:
    ramp = np.linspace(0, 255, width, dtype=np.uint8)
    pictures = []
    for index in range(frames):
        picture = np.zeros((height, width, 3), dtype=np.uint8)
        picture[..., 0] = np.roll(ramp, index * 8)[None, :]
        picture[..., 2] = 120
        pictures.append(picture)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.mp4"
        write_mp4(path, pictures, width=width, height=height, fps=fps)
        return path.read_bytes()
