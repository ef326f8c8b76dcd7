"""Requests as data: how create bodies are encoded and paths built."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from vidgate.client.calls import content_call, create_call, list_call, retrieve_call
from vidgate.client.forms import form_fields


def test_nested_fields_use_the_bracket_form_encoding() -> None:
    fields = form_fields(
        {
            "seconds": 8,
            "cfg_scale": 0.5,
            "enhance": True,
            "seed": None,
            "camera": {"movement": "zoom", "value": 4},
            "tags": ["a", "b"],
            "characters": [{"id": "c1"}, {"id": "c2"}],
        }
    )
    assert fields == [
        ("seconds", "8"),
        ("cfg_scale", "0.5"),
        ("enhance", "true"),
        ("camera[movement]", "zoom"),
        ("camera[value]", "4"),
        ("tags[]", "a"),
        ("tags[]", "b"),
        ("characters[][id]", "c1"),
        ("characters[][id]", "c2"),
    ]


def test_a_create_without_a_file_is_json_with_a_fresh_idempotency_key() -> None:
    first = create_call("veo2", "a cheetah", {"seconds": 8, "size": "1280x720"}, None, None)
    second = create_call("veo2", "a cheetah", {}, None, None)
    assert first.json == {"model": "veo2", "prompt": "a cheetah", "seconds": 8, "size": "1280x720"}
    assert first.files is None
    assert first.headers["Idempotency-Key"] != second.headers["Idempotency-Key"]


def test_a_given_idempotency_key_is_used() -> None:
    call = create_call("veo2", "x", {}, None, "order-42")
    assert call.headers["Idempotency-Key"] == "order-42"


def test_an_image_url_is_sent_as_image_url() -> None:
    call = create_call("veo2/image-to-video", "x", {}, "https://example.org/a.png", None)
    assert call.json == {
        "model": "veo2/image-to-video",
        "prompt": "x",
        "input_reference": {"image_url": "https://example.org/a.png"},
    }
    data = create_call("veo2/image-to-video", "x", {}, "data:image/png;base64,AAAA", None)
    assert isinstance(data.json, dict) and data.json["input_reference"] == {
        "image_url": "data:image/png;base64,AAAA"
    }


def test_an_image_file_is_uploaded_as_the_input_reference_part(tmp_path: Path) -> None:
    image = tmp_path / "first.png"
    image.write_bytes(b"\x89PNG fake")
    call = create_call("veo2/image-to-video", "x", {"size": "1280x720"}, image, None)
    assert call.json is None and call.files is not None
    assert call.files == [
        ("model", (None, b"veo2/image-to-video", None)),
        ("prompt", (None, b"x", None)),
        ("size", (None, b"1280x720", None)),
        ("input_reference", ("first.png", b"\x89PNG fake", "image/png")),
    ]


@pytest.mark.parametrize(
    ("reference", "part"),
    [
        (b"\xff\xd8raw", ("upload", b"\xff\xd8raw", "application/octet-stream")),
        (("a.jpg", b"\xff\xd8", None), ("a.jpg", b"\xff\xd8", "image/jpeg")),
        (("a.bin", b"x", "image/webp"), ("a.bin", b"x", "image/webp")),
    ],
)
def test_bytes_and_tuples_are_uploaded(
    reference: bytes | tuple[str, bytes, str | None], part: tuple[str, bytes, str]
) -> None:
    call = create_call("m", "p", {}, reference, None)
    assert call.files is not None and call.files[-1] == ("input_reference", part)


def test_an_open_file_is_uploaded_under_its_name(tmp_path: Path) -> None:
    image = tmp_path / "frame.webp"
    image.write_bytes(b"RIFF")
    with image.open("rb") as handle:
        call = create_call("m", "p", {}, handle, None)
    assert call.files is not None and call.files[-1] == (
        "input_reference",
        ("frame.webp", b"RIFF", "image/webp"),
    )
    buffer = create_call("m", "p", {}, io.BytesIO(b"abc"), None)
    assert buffer.files is not None and buffer.files[-1][1][0] == "upload"


def test_a_string_that_is_not_a_url_is_refused() -> None:
    with pytest.raises(ValueError, match=r"pathlib\.Path"):
        create_call("m", "p", {}, "frames/first.png", None)


def test_ids_are_percent_encoded_and_must_not_be_empty() -> None:
    assert retrieve_call("video_1/../x").path == "/v1/videos/video_1%2F..%2Fx"
    with pytest.raises(ValueError):
        retrieve_call("")


def test_list_sends_only_the_given_query() -> None:
    assert list_call(None, None, None).params == {}
    assert list_call("video_9", 2, "asc").params == {
        "after": "video_9",
        "limit": "2",
        "order": "asc",
    }


def test_content_asks_for_a_variant() -> None:
    call = content_call("video_1", "thumbnail")
    assert (call.path, call.params) == ("/v1/videos/video_1/content", {"variant": "thumbnail"})
