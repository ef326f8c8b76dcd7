"""The create-body checks Veo 2 applies; each problem becomes a 400 INVALID_ARGUMENT message.

Stricter than Google in one respect: unknown instance fields are refused, so an engine that
sends a field Veo 2 does not have is caught in tests.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from tests.fakes.google.state import Surface

GEMINI_PARAMETERS = frozenset(
    {
        "aspectRatio",
        "personGeneration",
        "sampleCount",
        "durationSeconds",
        "negativePrompt",
        "enhancePrompt",
    }
)
VERTEX_ONLY_PARAMETERS = frozenset(
    {
        "seed",
        "storageUri",
        "fps",
        "generateAudio",
        "pubsubTopic",
        "compressionQuality",
        "resizeMode",
    }
)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
PERSON_GENERATION = frozenset({"dont_allow", "allow_adult"})
MAX_SAMPLES = {"gemini": 2, "vertex": 4}


def check_create(surface: Surface, body: object) -> str | None:
    if not isinstance(body, dict):
        return "Invalid JSON payload received: the body must be an object."
    instances = body.get("instances")
    if not isinstance(instances, list) or len(instances) != 1:
        return "instances must hold exactly one instance for Veo."
    instance = instances[0]
    if not isinstance(instance, dict):
        return "instances[0] must be an object."
    parameters = body.get("parameters", {})
    if not isinstance(parameters, dict):
        return "parameters must be an object."
    return _check_instance(surface, instance) or _check_parameters(
        surface, parameters, has_image="image" in instance
    )


def _check_instance(surface: Surface, instance: Mapping[str, Any]) -> str | None:
    unknown = sorted(set(instance) - {"prompt", "image"})
    if unknown:
        return f"Invalid JSON payload received. Unknown name \"{unknown[0]}\" at 'instances[0]'."
    prompt = instance.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        return "instances[0].prompt must be a string."
    if not prompt and "image" not in instance:
        return "A prompt is required for text-to-video."
    image = instance.get("image")
    return None if image is None else _check_image(surface, image)


def _check_image(surface: Surface, image: object) -> str | None:
    if not isinstance(image, dict):
        return "instances[0].image must be an object."
    if "gcsUri" in image:
        if surface == "gemini":
            return "gcsUri isn't supported by the Gemini API. Send bytesBase64Encoded."
        return None if str(image["gcsUri"]).startswith("gs://") else "gcsUri must be gs://..."
    if image.get("mimeType") not in IMAGE_TYPES:
        return f"Unsupported image mimeType {image.get('mimeType')!r}."
    try:
        base64.b64decode(str(image.get("bytesBase64Encoded", "")), validate=True)
    except binascii.Error:
        return "instances[0].image.bytesBase64Encoded is not valid base64."
    return None if image.get("bytesBase64Encoded") else "The image bytes are empty."


def _check_parameters(
    surface: Surface, parameters: Mapping[str, Any], *, has_image: bool
) -> str | None:
    allowed = GEMINI_PARAMETERS | (VERTEX_ONLY_PARAMETERS if surface == "vertex" else set())
    unknown = sorted(set(parameters) - allowed)
    if unknown:
        return f"`{unknown[0]}` isn't supported by this model on this API."
    checks = (
        _enum(parameters, "aspectRatio", {"16:9", "9:16"}),
        _int_range(parameters, "durationSeconds", 5, 8),
        _int_range(parameters, "sampleCount", 1, MAX_SAMPLES[surface]),
        _int_range(parameters, "seed", 0, 2**32 - 1),
        _enum(parameters, "personGeneration", PERSON_GENERATION),
        _person_with_image(surface, parameters, has_image),
        _storage_uri(parameters),
    )
    return next((problem for problem in checks if problem), None)


def _enum(
    parameters: Mapping[str, Any], name: str, allowed: set[str] | frozenset[str]
) -> str | None:
    if name in parameters and parameters[name] not in allowed:
        return f"{name} {parameters[name]!r} is not supported; use one of {sorted(allowed)}."
    return None


def _int_range(parameters: Mapping[str, Any], name: str, low: int, high: int) -> str | None:
    if name not in parameters:
        return None
    value = parameters[name]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        return f"{name} must be an integer between {low} and {high}, got {value!r}."
    return None


def _person_with_image(
    surface: Surface, parameters: Mapping[str, Any], has_image: bool
) -> str | None:
    if surface == "gemini" and has_image and "personGeneration" in parameters:
        return "personGeneration isn't supported for image-to-video on the Gemini API."
    return None


def _storage_uri(parameters: Mapping[str, Any]) -> str | None:
    uri = parameters.get("storageUri")
    if uri is not None and not (isinstance(uri, str) and uri.startswith("gs://")):
        return f"storageUri must be a gs:// URI, got {uri!r}."
    return None
