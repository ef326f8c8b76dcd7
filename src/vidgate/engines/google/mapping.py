"""AIML request fields → the body of Veo's ``predictLongRunning`` call. Pure functions.

    instances[0].prompt                 the prompt
    instances[0].image                  image-to-video: {bytesBase64Encoded, mimeType}
    parameters.aspectRatio              "16:9" | "9:16"; "auto" (or nothing) follows the
                                        image: portrait → "9:16", otherwise "16:9"
    parameters.durationSeconds          int("5".."8")
    parameters.sampleCount              1
    parameters.personGeneration         the deployment's choice; never with an image on the
                                        Gemini API (it refuses the field there)
    parameters.seed                     Vertex only: the job's seed (Gemini refuses ``seed``)
    parameters.storageUri               Vertex only, when the deployment names a bucket

``enhancePrompt`` and ``negativePrompt`` are left out: the AIML models expose neither, so
Veo's defaults apply (the prompt rewriter stays on).
"""

from __future__ import annotations

from typing import Any

from vidgate.engines.google.options import GoogleOptions
from vidgate.engines.protocol import EngineJob, InputImage

DEFAULT_MODEL = "veo-2.0-generate-001"
ASPECTS = ("16:9", "9:16")
SEED_LIMIT = 2**32


def build_request(job: EngineJob, options: GoogleOptions) -> dict[str, Any]:
    image = job.image("first_frame")
    instance: dict[str, Any] = {"prompt": str(job.params["prompt"])}
    if image is not None:
        instance["image"] = {"bytesBase64Encoded": image.base64(), "mimeType": image.mime}
    return {"instances": [instance], "parameters": parameters(job, options, image)}


def parameters(job: EngineJob, options: GoogleOptions, image: InputImage | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "aspectRatio": aspect_ratio(job.params.get("aspect_ratio"), image),
        "durationSeconds": int(job.params.get("duration", job.model.output.default_duration)),
        "sampleCount": 1,
    }
    if _sends_person_generation(options, image):
        params["personGeneration"] = options.person_generation
    if options.surface == "vertex":
        params["seed"] = job.seed % SEED_LIMIT
        if options.storage_uri:
            params["storageUri"] = options.storage_uri
    return params


def aspect_ratio(requested: object, image: InputImage | None) -> str:
    """Veo renders 16:9 or 9:16 only and center-crops an image of another shape, so "auto"
    picks the orientation of the image rather than Veo's landscape default."""
    if requested in ASPECTS:
        return str(requested)
    if image is not None and image.height > image.width:
        return "9:16"
    return "16:9"


def _sends_person_generation(options: GoogleOptions, image: InputImage | None) -> bool:
    if options.person_generation == "omit":
        return False
    return options.surface == "vertex" or image is None
