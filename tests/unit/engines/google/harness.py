"""Helpers for the Google engine tests: deployments, input images, jobs.

Time is ``tests.support.simulated_time.SimulatedTime``, shared by the engine and the fake.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.fakes.google import GoogleFake
from tests.support.media import png_bytes
from vidgate.domain.ids import new_job_id
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.shapes import resolve_shape
from vidgate.domain.validation import validate_params
from vidgate.engines.protocol import EngineJob, InputImage

BASE_URL = "http://google.test"
CATALOGUE = seed_catalogue()
T2V = "veo2"
I2V = "veo2/image-to-video"
IMAGE_REFERENCE = "https://images.example/first.png"


def gemini_deployment(fake: GoogleFake, **changes: Any) -> Deployment:
    settings: dict[str, Any] = {
        "name": "veo-gemini",
        "engine": "google",
        "base_url": BASE_URL,
        "credentials": {"api_key": fake.api_key},
    }
    return Deployment(**(settings | changes))


def vertex_deployment(fake: GoogleFake, **options: Any) -> Deployment:
    return Deployment(
        name="veo-vertex",
        engine="google",
        base_url=BASE_URL,
        credentials={"access_token": fake.access_token},
        options={
            "surface": "vertex",
            "project": fake.project,
            "location": fake.location,
            "storage_base_url": BASE_URL,
            **options,
        },
    )


def input_image(width: int = 640, height: int = 360) -> InputImage:
    return InputImage(
        field="image_url",
        role="first_frame",
        data=png_bytes(width, height),
        mime="image/png",
        width=width,
        height=height,
        source_url=IMAGE_REFERENCE,
    )


def build_job(
    deployment: Deployment,
    model_id: str,
    *,
    image: InputImage | None = None,
    seed: int = 7,
    **body: Any,
) -> EngineJob:
    """An EngineJob as the worker builds it: validated params, held images, resolved shape."""
    spec = CATALOGUE.resolve(model_id)
    if image is not None:
        body["image_url"] = IMAGE_REFERENCE
    params = validate_params(spec, body)
    images: Mapping[str, InputImage] = {"image_url": image} if image is not None else {}
    size = (image.width, image.height) if image is not None else None
    return EngineJob(
        id=new_job_id(),
        model=spec,
        params=params,
        images=images,
        shape=resolve_shape(spec, params, size),
        seed=seed,
        deployment=deployment,
    )
