"""Single frames out of a video."""

from __future__ import annotations

import io
from pathlib import Path

import av

from vidgate.domain.errors import OutputInvalid


def last_frame_png(video: Path) -> bytes:
    """The clip's last frame as PNG (what a remix continues from)."""
    last = None
    with av.open(str(video)) as container:
        for decoded in container.decode(container.streams.video[0]):
            last = decoded
    if last is None:
        raise OutputInvalid("the video has no frames")
    buffer = io.BytesIO()
    last.to_image().save(buffer, format="PNG")  # type: ignore[no-untyped-call]
    return buffer.getvalue()
