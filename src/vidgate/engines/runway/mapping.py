"""AIML request fields → the camelCase body of Runway's ``POST /v1/image_to_video``. Pure.

Ratios go on the wire as output pixel sizes, which differ per vendor model, so the tables are
keyed by the vendor model actually sent (an operator may route gen3a_turbo to gen4_turbo).
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from vidgate.domain.errors import UpstreamBadInput
from vidgate.engines.options import vendor_model_name
from vidgate.engines.protocol import EngineJob

DEFAULT_MODEL_NAMES = {"gen3a_turbo": "gen3a_turbo", "runway/gen4_turbo": "gen4_turbo"}
RATIOS = {
    "gen3a_turbo": {"16:9": "1280:768", "9:16": "768:1280"},
    "gen4_turbo": {
        "16:9": "1280:720",
        "9:16": "720:1280",
        "4:3": "1104:832",
        "3:4": "832:1104",
        "1:1": "960:960",
        "21:9": "1584:672",
    },
}
# Only gen3a_turbo takes a last frame (``position: "last"``).
LAST_FRAME_MODELS = frozenset({"gen3a_turbo"})
# Runway's limits on a promptImage: a data URI under 5 MB encoded, a URL of at most 2048
# characters on an https host name (never an IP address).
MAX_DATA_URI_CHARS = 5 * 1024 * 1024
MAX_URL_CHARS = 2048
FIRST_IMAGE, LAST_IMAGE = "image_url", "last_image_url"


def vendor_model(job: EngineJob) -> str:
    return vendor_model_name(job, DEFAULT_MODEL_NAMES.get(job.model.id), engine="runway")


def build_request(job: EngineJob, *, model: str, send_watermark: bool) -> dict[str, Any]:
    params = job.params
    body: dict[str, Any] = {"model": model, "promptImage": prompt_image(job, model)}
    if params.get("prompt"):
        body["promptText"] = str(params["prompt"])
    body["ratio"] = ratio(job, model)
    body["duration"] = int(params.get("duration") or job.model.output.default_duration)
    seed = params.get("seed")
    body["seed"] = int(seed if seed is not None else job.seed)
    if send_watermark and params.get("watermark") is not None:
        body["watermark"] = bool(params["watermark"])
    return body


def ratio(job: EngineJob, model: str) -> str:
    aspect = str(job.params.get("ratio") or job.model.output.default_aspect)
    table = RATIOS.get(model) or RATIOS[DEFAULT_MODEL_NAMES.get(job.model.id, "gen4_turbo")]
    if aspect not in table:
        raise UpstreamBadInput(
            f"runway {model} has no ratio {aspect!r}; it takes {', '.join(table)}"
        )
    return table[aspect]


def prompt_image(job: EngineJob, model: str) -> str | list[dict[str, str]]:
    first = image_uri(job, FIRST_IMAGE)
    if LAST_IMAGE not in job.images and not job.params.get(LAST_IMAGE):
        return first
    if model not in LAST_FRAME_MODELS:
        raise UpstreamBadInput(f"runway {model} takes no last frame (last_image_url)")
    last = image_uri(job, LAST_IMAGE)
    return [{"uri": first, "position": "first"}, {"uri": last, "position": "last"}]


def image_uri(job: EngineJob, field: str) -> str:
    """The caller's https URL when Runway can fetch it, else a data URI of the checked bytes."""
    image = job.images.get(field)
    if image is None:
        return _reference_as_given(job, field)
    if image.source_url and fetchable(image.source_url):
        return image.source_url
    return _checked_data_uri(field, image.data_uri())


def fetchable(url: str) -> bool:
    """Whether Runway's fetcher accepts ``url``: https, a host name, at most 2048 characters."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or len(url) > MAX_URL_CHARS:
        return False
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        return True
    return False


def _reference_as_given(job: EngineJob, field: str) -> str:
    """The caller's reference, for a job that holds no bytes for ``field``."""
    original = job.params.get(field)
    if isinstance(original, str) and fetchable(original):
        return original
    if isinstance(original, str) and original.startswith("data:"):
        return _checked_data_uri(field, original)
    raise UpstreamBadInput(f"runway: the image for {field} is missing from the job")


def _checked_data_uri(field: str, uri: str) -> str:
    if len(uri) >= MAX_DATA_URI_CHARS:
        raise UpstreamBadInput(
            f"runway takes an image as a data URI only under 5 MB encoded; {field} is "
            f"{len(uri) / 1024 / 1024:.1f} MB encoded. Give a smaller image or an https URL"
        )
    return uri
