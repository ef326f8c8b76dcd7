"""The fake's result video (a real, tiny H.264 MP4 made once) and its signed CDN links."""

from __future__ import annotations

import hashlib
import hmac
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from vidgate.media.encode import write_mp4

WIDTH, HEIGHT, FPS, FRAMES = 128, 72, 8, 8


@cache
def tiny_mp4() -> bytes:
    """Eight frames of a moving gradient, 128x72 at 8 fps."""
    ramp = np.linspace(0, 255, WIDTH, dtype=np.uint8)
    frames = []
    for index in range(FRAMES):
        frame = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
        frame[..., 0] = np.roll(ramp, index * 8)[None, :]
        frame[..., 2] = 120
        frames.append(frame)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "output.mp4"
        write_mp4(path, frames, width=WIDTH, height=HEIGHT, fps=FPS)
        return path.read_bytes()


def signature(secret: bytes, name: str, expires: int) -> str:
    return hmac.new(secret, f"{name}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def link_is_valid(secret: bytes, name: str, expires: str, sig: str, now: float) -> bool:
    if not expires.isdigit() or int(expires) < now:
        return False
    return hmac.compare_digest(signature(secret, name, int(expires)), sig)
