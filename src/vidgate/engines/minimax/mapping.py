"""AIML request fields → the body of MiniMax's create call. Pure functions.

The 01-series models are fixed at 6 s and 720P and refuse ``duration`` and ``resolution``,
so the body never carries them. ``callback_url`` is never sent either: vidgate polls, and a
callback would make MiniMax require a challenge answered within 3 s before it creates the task.
"""

from __future__ import annotations

from typing import Any

from vidgate.domain.errors import UpstreamBadInput
from vidgate.engines.minimax.options import MiniMaxOptions
from vidgate.engines.options import vendor_model_name
from vidgate.engines.protocol import EngineJob

# The legacy names of the AIML reference. Current MiniMax docs list T2V-01 / I2V-01 /
# I2V-01-live instead; operators switch with ``vendor_models`` (and ``image_models``).
DEFAULT_MODEL_NAMES = {"video-01": "video-01", "video-01-live2d": "video-01-live2d"}
IMAGE_FIELD = "first_frame_image"


def vendor_model(job: EngineJob, options: MiniMaxOptions) -> str:
    """The vendor model for ``job``: the image model when it has a first frame and one is set."""
    if has_image(job) and job.model.id in options.image_models:
        return options.image_models[job.model.id]
    return vendor_model_name(job, DEFAULT_MODEL_NAMES.get(job.model.id), engine="minimax")


def build_request(job: EngineJob, *, model: str) -> dict[str, Any]:
    params = job.params
    body: dict[str, Any] = {"model": model}
    if params.get("prompt"):
        body["prompt"] = str(params["prompt"])
    body["prompt_optimizer"] = bool(params.get("prompt_optimizer", True))
    image = image_reference(job)
    if image is not None:
        body[IMAGE_FIELD] = image
    return body


def has_image(job: EngineJob) -> bool:
    return IMAGE_FIELD in job.images or job.params.get(IMAGE_FIELD) is not None


def image_reference(job: EngineJob) -> str | None:
    """The caller's URL when the image came from one (MiniMax fetches it), else a data URL."""
    image = job.images.get(IMAGE_FIELD)
    if image is not None:
        return image.source_url or image.data_uri()
    original = job.params.get(IMAGE_FIELD)
    if original is None:
        return None
    if isinstance(original, str) and original.startswith(("https://", "http://", "data:")):
        return original
    raise UpstreamBadInput(f"minimax: the image for {IMAGE_FIELD} is missing from the job")
