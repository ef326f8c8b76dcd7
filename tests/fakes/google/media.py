"""The Veo fake's result video: the fakes' tiny MP4 at Veo's 24 fps, and as inline base64."""

from __future__ import annotations

import base64
from functools import cache

from tests.fakes.media import tiny_mp4


def result_mp4() -> bytes:
    """Twelve frames, 128x72 at 24 fps."""
    return tiny_mp4(128, 72, fps=24, frames=12)


@cache
def encoded_result() -> str:
    """The result as base64, the way an operation carries it inline."""
    return base64.b64encode(result_mp4()).decode("ascii")
