"""Helpers for the Kling engine tests: deployments, input images, jobs.

Time is ``tests.support.simulated_time.SimulatedTime``, shared by the engine and the fake, so
the real poll policy (30 s first wait, 12 s interval) runs in milliseconds and the JWT times
stay consistent on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tests.fakes.kling import KlingFake
from tests.support.media import png_bytes
from vidgate.domain.catalogue import ImageRole
from vidgate.domain.ids import new_job_id
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.shapes import resolve_shape
from vidgate.domain.validation import validate_params
from vidgate.engines.protocol import EngineJob, InputImage

BASE_URL = "http://kling.test"
CATALOGUE = seed_catalogue()
KLING_MODELS = [spec.id for spec in CATALOGUE.for_vendor("kling")]

JobFactory = Callable[..., EngineJob]


def deployment_for(fake: KlingFake, **changes: Any) -> Deployment:
    settings: dict[str, Any] = {
        "name": "kling-test",
        "engine": "kling",
        "base_url": BASE_URL,
        "credentials": {"access_key": fake.access_key, "secret_key": fake.secret_key},
    }
    return Deployment(**(settings | changes))


def input_image(
    field: str, role: ImageRole = "first_frame", *, size: tuple[int, int] = (640, 360)
) -> InputImage:
    return InputImage(
        field=field,
        role=role,
        data=png_bytes(*size),
        mime="image/png",
        width=size[0],
        height=size[1],
        source_url=f"https://images.example/{field}.png",
    )


def build_job(
    deployment: Deployment,
    model_id: str,
    *,
    images: Mapping[str, InputImage] | None = None,
    **body: Any,
) -> EngineJob:
    """An EngineJob as the worker builds it: validated params, held images, resolved shape."""
    spec = CATALOGUE.get(model_id)
    assert spec is not None
    params = validate_params(spec, body)
    held = dict(images or {})
    first = next((i for i in held.values() if i.role == "first_frame"), None)
    return EngineJob(
        id=new_job_id(),
        model=spec,
        params=params,
        images=held,
        shape=resolve_shape(spec, params, (first.width, first.height) if first else None),
        seed=7,
        deployment=deployment,
    )
