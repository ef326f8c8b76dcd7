"""Stills made from a stored video: a WebP thumbnail and a JPEG spritesheet of frames."""

from __future__ import annotations

import math
from pathlib import Path

import av
from PIL import Image

THUMBNAIL_WIDTH = 640
SPRITE_TILES = 10
SPRITE_COLUMNS = 5
SPRITE_TILE_WIDTH = 256


def make_previews(video: Path, folder: Path) -> dict[str, Path]:
    """Write ``thumbnail.webp`` (the middle frame) and ``spritesheet.jpg`` (frames spread
    evenly over the clip, in a grid) beside each other; decode one pass, keep few frames."""
    frames = _sample_frames(video, SPRITE_TILES)
    if not frames:
        return {}
    thumbnail = folder / "thumbnail.webp"
    _scaled(frames[len(frames) // 2], THUMBNAIL_WIDTH).save(thumbnail, "WEBP", quality=80)
    spritesheet = folder / "spritesheet.jpg"
    _grid(frames).save(spritesheet, "JPEG", quality=80)
    return {"thumbnail": thumbnail, "spritesheet": spritesheet}


def _sample_frames(video: Path, count: int) -> list[Image.Image]:
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        total = stream.frames or 0
        wanted = (
            {round(i * (total - 1) / max(count - 1, 1)) for i in range(count)} if total else None
        )
        picked: list[Image.Image] = []
        for index, frame in enumerate(container.decode(stream)):
            if wanted is None or index in wanted:
                image = frame.to_image()  # type: ignore[no-untyped-call]
                picked.append(_scaled(image, THUMBNAIL_WIDTH))
            if wanted is not None and len(picked) == len(wanted):
                break
    if wanted is None and len(picked) > count:
        step = len(picked) / count
        picked = [picked[int(i * step)] for i in range(count)]
    return picked


def _scaled(image: Image.Image, width: int) -> Image.Image:
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.BILINEAR)


def _grid(frames: list[Image.Image]) -> Image.Image:
    tiles = [_scaled(f, SPRITE_TILE_WIDTH) for f in frames]
    width, height = tiles[0].size
    columns = min(SPRITE_COLUMNS, len(tiles))
    rows = math.ceil(len(tiles) / columns)
    sheet = Image.new("RGB", (columns * width, rows * height))
    for index, tile in enumerate(tiles):
        sheet.paste(tile, ((index % columns) * width, (index // columns) * height))
    return sheet
