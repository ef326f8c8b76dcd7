"""What Runway's ``POST /v1/image_to_video`` refuses with HTTP 400, per model. Pure functions.

Unknown keys are refused (a strict schema), so a test notices any field the engine should not
send. Image URLs are checked for the rules Runway states (https, a host name, at most 2048
characters) but not fetched.
"""

from __future__ import annotations

import base64
import binascii
import io
import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

RATIOS = {
    "gen3a_turbo": frozenset({"1280:768", "768:1280"}),
    "gen4_turbo": frozenset(
        {"1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"}
    ),
}
DURATIONS = {"gen3a_turbo": frozenset({5, 10}), "gen4_turbo": frozenset(range(2, 11))}
POSITIONS = {"gen3a_turbo": ("first", "last"), "gen4_turbo": ("first",)}
KEYS = frozenset(
    {"model", "promptImage", "promptText", "ratio", "duration", "seed", "contentModeration"}
)
MAX_PROMPT_UTF16 = 1000
MAX_DATA_URI = 5 * 1024 * 1024
MAX_URL = 2048
MAX_SEED = 4_294_967_295
IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}


def check_create(body: Mapping[str, Any], *, watermark_allowed: bool) -> str | None:
    """None when Runway would accept ``body``, else the ``error`` text of its 400 answer."""
    allowed = KEYS | {"watermark"} if watermark_allowed else KEYS
    unknown = sorted(set(body) - allowed)
    if unknown:
        return f"Unrecognized key(s) in object: {', '.join(map(repr, unknown))}"
    model = body.get("model")
    if model not in RATIOS:
        return f"Invalid model {model!r}; expected one of {', '.join(RATIOS)}"
    for check in (_check_prompt_text, _check_ratio, _check_duration, _check_seed, _check_images):
        problem = check(str(model), body)
        if problem:
            return problem
    return None


def _check_prompt_text(model: str, body: Mapping[str, Any]) -> str | None:
    if "promptText" not in body:
        return None
    text = body["promptText"]
    if not isinstance(text, str) or not text:
        return "promptText must be a non-empty string"
    if len(text.encode("utf-16-le")) // 2 > MAX_PROMPT_UTF16:
        return f"promptText must be at most {MAX_PROMPT_UTF16} UTF-16 code units"
    return None


def _check_ratio(model: str, body: Mapping[str, Any]) -> str | None:
    ratio = body.get("ratio")
    if ratio is None:
        return "ratio is required" if model == "gen4_turbo" else None
    if ratio not in RATIOS[model]:
        return f"Invalid ratio {ratio!r} for {model}; expected one of {sorted(RATIOS[model])}"
    return None


def _check_duration(model: str, body: Mapping[str, Any]) -> str | None:
    duration = body.get("duration")
    if duration is None:
        return None
    if not _is_int(duration) or duration not in DURATIONS[model]:
        return f"Invalid duration {duration!r} for {model}"
    return None


def _check_seed(model: str, body: Mapping[str, Any]) -> str | None:
    seed = body.get("seed")
    if seed is not None and (not _is_int(seed) or not 0 <= seed <= MAX_SEED):
        return f"seed must be an integer between 0 and {MAX_SEED}"
    return None


def _check_images(model: str, body: Mapping[str, Any]) -> str | None:
    images = body.get("promptImage")
    if isinstance(images, str):
        return check_uri(images)
    if not isinstance(images, list) or not images:
        return "promptImage must be a string or a non-empty array"
    positions = [i.get("position") if isinstance(i, dict) else None for i in images]
    if len(set(positions)) != len(positions) or "first" not in positions:
        return "promptImage needs exactly one image at position 'first'"
    for image, position in zip(images, positions, strict=True):
        if position not in POSITIONS[model]:
            return f"position {position!r} is not supported by {model}"
        problem = check_uri(image.get("uri"))
        if problem:
            return problem
    return None


def check_uri(uri: object) -> str | None:
    if not isinstance(uri, str):
        return "promptImage uri must be a string"
    if uri.startswith("data:"):
        return _check_data_uri(uri)
    parts = urlsplit(uri)
    if parts.scheme != "https" or not parts.hostname:
        return "Invalid asset URL: only https URLs are supported"
    if len(uri) > MAX_URL:
        return f"Invalid asset URL: longer than {MAX_URL} characters"
    if _is_ip(parts.hostname):
        return "Invalid asset URL: the host must be a domain name, not an IP address"
    return None


def _check_data_uri(uri: str) -> str | None:
    if len(uri) >= MAX_DATA_URI:
        return "Invalid data URI: must be under 5MB"
    header, _, payload = uri.partition(",")
    mime = header.removeprefix("data:").removesuffix(";base64")
    if not header.endswith(";base64") or mime not in IMAGE_TYPES:
        return "Invalid data URI: expected data:image/(png|jpeg|webp);base64,..."
    try:
        data = base64.b64decode(payload, validate=True)
        with Image.open(io.BytesIO(data)) as image:
            actual = image.format
    except (binascii.Error, UnidentifiedImageError):
        return "Invalid data URI: not a readable image"
    if actual != IMAGE_TYPES[mime]:
        return f"Invalid data URI: declared {mime} but holds {actual}"
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
