from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass, field
from io import BytesIO

import pytest
from PIL import Image

from vidgate.domain.catalogue import ImageRule
from vidgate.domain.errors import InvalidImage
from vidgate.domain.image_rules import ImageFacts, check_image
from vidgate.media.images import inspect_image, load_image_reference
from vidgate.net.fetch import FetchedFile


def encoded(format: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=format)
    return buffer.getvalue()


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def png_declaring(width: int, height: int) -> bytes:
    """A few dozen bytes whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


@dataclass
class CannedFetcher:
    """Answers every URL with the same bytes; records what it was asked."""

    body: bytes
    calls: list[tuple[str, str]] = field(default_factory=list)

    async def fetch(self, url: str, *, field: str) -> FetchedFile:
        self.calls.append((url, field))
        return FetchedFile(self.body, "application/octet-stream", url)


async def refusal(value: str, fetcher: CannedFetcher | None = None) -> str:
    with pytest.raises(InvalidImage) as caught:
        await load_image_reference(value, field="image_url", fetcher=fetcher or CannedFetcher(b""))
    assert caught.value.field == "image_url"
    return caught.value.message


# --- formats from the bytes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
async def test_data_uri_images_are_read_with_their_facts(format: str, mime: str) -> None:
    data = encoded(format)
    uri = data_uri(data, mime)
    image = await load_image_reference(uri, field="image_url", fetcher=CannedFetcher(b""))
    assert (image.format, image.mime, image.width, image.height) == (format, mime, 64, 48)
    assert image.data == data
    assert image.source_url is None
    assert image.data_uri_chars == len(uri)
    assert image.facts() == ImageFacts(format, 64, 48, len(data), data_uri_chars=len(uri))


async def test_format_comes_from_the_bytes_not_the_declared_type() -> None:
    uri = data_uri(encoded("PNG"), mime="image/jpeg")
    image = await load_image_reference(uri, field="image_url", fetcher=CannedFetcher(b""))
    assert (image.format, image.mime) == ("PNG", "image/png")


async def test_url_images_are_fetched_and_remember_their_url() -> None:
    fetcher = CannedFetcher(encoded("JPEG", (30, 40)))
    url = "https://cdn.test/a.jpg"
    image = await load_image_reference(url, field="image_url", fetcher=fetcher)
    assert fetcher.calls == [(url, "image_url")]
    assert (image.format, image.width, image.height) == ("JPEG", 30, 40)
    assert image.source_url == url
    assert image.data_uri_chars is None


async def test_gif_is_reported_so_the_rules_can_refuse_it() -> None:
    image = await load_image_reference(
        data_uri(encoded("GIF"), "image/gif"), field="image_url", fetcher=CannedFetcher(b"")
    )
    assert (image.format, image.mime) == ("GIF", "image/gif")
    with pytest.raises(InvalidImage, match="image format GIF is not accepted"):
        check_image(ImageRule(), image.facts(), "image_url")


async def test_reprs_leave_out_the_bytes() -> None:
    image = await load_image_reference(
        data_uri(encoded("PNG")), field="image_url", fetcher=CannedFetcher(b"")
    )
    assert "data=" not in repr(image)
    assert "data=" not in repr(FetchedFile(b"x" * 10, None, "https://cdn.test/x"))


# --- refusals -----------------------------------------------------------------------


async def test_formats_outside_the_short_list_are_not_decoded() -> None:
    message = await refusal(data_uri(encoded("BMP"), "image/bmp"))
    assert message == "image_url: not an image in a known format (JPEG, PNG, WEBP, GIF)"


async def test_garbage_bytes_are_refused() -> None:
    message = await refusal("https://cdn.test/a.png", CannedFetcher(b"<html>not an image</html>"))
    assert message == "image_url: not an image in a known format (JPEG, PNG, WEBP, GIF)"


@pytest.mark.parametrize("format", ["PNG", "JPEG", "WEBP"])
async def test_truncated_images_are_refused(format: str) -> None:
    data = encoded(format, (256, 256))
    message = await refusal(data_uri(data[: len(data) // 2]))
    assert message.startswith("image_url: the image is damaged or truncated")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("data:image/png,iVBORw0KGgo=", "only base64 data URIs are accepted"),
        ("data:image/png;base64", "malformed data URI; expected data:<type>;base64,<data>"),
        ("data:image/png;base64,", "the data URI holds no data"),
        ("data:image/png;base64,@@@@", "the data URI's base64 is malformed"),
        ("data:image/png;base64,iVBO Rw0K", "the data URI's base64 is malformed"),
        ("data:image/png;base64,iVBORw0KGg", "the data URI's base64 is malformed"),
        ("data:image/png;base64,iVBORw0KGgo=é", "the data URI's base64 is malformed"),
    ],
)
async def test_malformed_data_uris_are_refused(value: str, expected: str) -> None:
    assert (await refusal(value)).startswith(f"image_url: {expected}")


@pytest.mark.parametrize("value", ["ftp://cdn.test/a.png", "/etc/passwd", "iVBORw0KGgo=", ""])
async def test_values_that_are_neither_urls_nor_data_uris_are_refused(value: str) -> None:
    fetcher = CannedFetcher(encoded("PNG"))
    message = await refusal(value, fetcher)
    assert message == "image_url: give an https URL or a data URI (data:image/png;base64,...)"
    assert fetcher.calls == []


# --- decompression bombs --------------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [
        (20_000, 20_000),  # 400 MP: past twice Pillow's limit, its error
        (10_000, 10_000),  # 100 MP: past Pillow's limit, its warning (an error under pytest)
        (8_000, 8_000),  # 64 MP: under Pillow's limit, past ours
    ],
)
async def test_decompression_bombs_are_refused_from_the_header(size: tuple[int, int]) -> None:
    bomb = png_declaring(*size)
    assert len(bomb) < 100
    message = await refusal(data_uri(bomb))
    assert message.startswith("image_url: ")
    assert message.endswith("images of more than 50,000,000 pixels are refused")


def test_our_own_pixel_limit_names_the_size() -> None:
    with pytest.raises(InvalidImage) as caught:
        inspect_image(png_declaring(8_000, 8_000), field="first_frame")
    assert caught.value.message == (
        "first_frame: image is 8000x8000; images of more than 50,000,000 pixels are refused"
    )


def test_pixel_limit_is_adjustable() -> None:
    data = encoded("PNG", (4, 3))
    assert inspect_image(data, field="image", max_pixels=12).width == 4
    with pytest.raises(InvalidImage, match="more than 11 pixels"):
        inspect_image(data, field="image", max_pixels=11)
