"""Input images: read from a data URI or a public URL, then identified and decoded.

The format is what the bytes are, never what the caller or the server declared. Only a
few formats are even tried, so Pillow's rarer decoders (and the Ghostscript it would run
for EPS) never see user bytes. A decompression bomb is refused from its header, before
any pixel is decoded. Decoding runs in a worker thread, off the event loop. URLs are
fetched by an ``ImageFetcher`` (``vidgate.net.fetch.PublicFetcher`` in practice), a
protocol because media and net are independent layers.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import struct
from io import BytesIO
from typing import TYPE_CHECKING, Protocol

from vidgate.domain.errors import InvalidImage
from vidgate.domain.image_rules import ImageFacts

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 50_000_000
"""Larger images are refused before decoding (50 MP, e.g. 8660 x 5773)."""

MIME_TYPES: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
"""The formats Pillow may identify (by its names), with their MIME types."""

_URL_PREFIXES = ("https://", "http://")
# What Pillow raises for bytes it cannot make sense of; SyntaxError and struct.error
# come from some of its format plugins.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


class FetchedBytes(Protocol):
    @property
    def data(self) -> bytes: ...


class ImageFetcher(Protocol):
    """What ``vidgate.net.fetch.PublicFetcher`` offers; media may not import net."""

    async def fetch(self, url: str, *, field: str) -> FetchedBytes: ...


@dataclasses.dataclass(frozen=True, slots=True)
class InspectedImage:
    format: str
    mime: str
    width: int
    height: int


@dataclasses.dataclass(frozen=True, slots=True)
class LoadedImage:
    data: bytes = dataclasses.field(repr=False)
    mime: str
    format: str
    width: int
    height: int
    source_url: str | None
    data_uri_chars: int | None

    def facts(self) -> ImageFacts:
        return ImageFacts(
            format=self.format,
            width=self.width,
            height=self.height,
            bytes=len(self.data),
            data_uri_chars=self.data_uri_chars,
        )


async def load_image_reference(value: str, *, field: str, fetcher: ImageFetcher) -> LoadedImage:
    """Read the image ``value`` names: a base64 data URI or an http(s) URL."""
    if _is_data_uri(value):
        data, source_url, data_uri_chars = decode_data_uri(value, field=field), None, len(value)
    elif value.lower().startswith(_URL_PREFIXES):
        fetched = await fetcher.fetch(value, field=field)
        data, source_url, data_uri_chars = fetched.data, value, None
    else:
        raise InvalidImage(
            f"{field}: give an https URL or a data URI (data:image/png;base64,...)", field=field
        )
    image = await asyncio.to_thread(inspect_image, data, field=field)
    return LoadedImage(
        data=data,
        mime=image.mime,
        format=image.format,
        width=image.width,
        height=image.height,
        source_url=source_url,
        data_uri_chars=data_uri_chars,
    )


def decode_data_uri(value: str, *, field: str) -> bytes:
    """The bytes of ``data:<mime>;base64,<data>``; strict base64, no whitespace."""
    header, comma, payload = value.partition(",")
    if not comma or not _is_data_uri(header):
        raise InvalidImage(
            f"{field}: malformed data URI; expected data:<type>;base64,<data>", field=field
        )
    if header.split(";")[-1].strip().lower() != "base64":
        raise InvalidImage(
            f"{field}: only base64 data URIs are accepted (data:<type>;base64,...)", field=field
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise InvalidImage(
            f"{field}: the data URI's base64 is malformed ({exc})", field=field
        ) from exc
    if not data:
        raise InvalidImage(f"{field}: the data URI holds no data", field=field)
    return data


def inspect_image(data: bytes, *, field: str, max_pixels: int = MAX_PIXELS) -> InspectedImage:
    """Identify ``data`` from its bytes, refuse bombs from the header, then decode it all."""
    from PIL import Image, UnidentifiedImageError  # loaded by the first image, not at start

    try:
        with Image.open(BytesIO(data), formats=tuple(MIME_TYPES)) as image:
            _refuse_too_many_pixels(image.size, field=field, max_pixels=max_pixels)
            image.load()
            return _inspected(image, field=field)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own, larger limit; its warning is only raised when warnings are errors.
        raise InvalidImage(f"{field}: {_too_many_pixels(max_pixels)}", field=field) from exc
    except UnidentifiedImageError as exc:
        accepted = ", ".join(MIME_TYPES)
        raise InvalidImage(
            f"{field}: not an image in a known format ({accepted})", field=field
        ) from exc
    except _DECODE_ERRORS as exc:
        raise InvalidImage(
            f"{field}: the image is damaged or truncated ({exc})", field=field
        ) from exc


def _is_data_uri(value: str) -> bool:
    return value[:5].lower() == "data:"


def _refuse_too_many_pixels(size: tuple[int, int], *, field: str, max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise InvalidImage(
            f"{field}: image is {width}x{height}; {_too_many_pixels(max_pixels)}", field=field
        )


def _too_many_pixels(max_pixels: int) -> str:
    return f"images of more than {max_pixels:,} pixels are refused"


def _inspected(image: Image.Image, *, field: str) -> InspectedImage:
    name = image.format or ""
    if name not in MIME_TYPES:  # Image.open(formats=...) makes this unreachable
        raise InvalidImage(f"{field}: unexpected image format {name or 'unknown'}", field=field)
    width, height = image.size
    return InspectedImage(format=name, mime=MIME_TYPES[name], width=width, height=height)
