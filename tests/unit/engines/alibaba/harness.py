"""Helpers for the Alibaba engine tests: deployments and jobs.

Time is ``tests.support.simulated_time.SimulatedTime``, shared by the engine and the fake.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.alibaba import AlibabaFake
from vidgate.domain.ids import new_job_id
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.shapes import resolve_shape
from vidgate.domain.validation import validate_params
from vidgate.engines.protocol import EngineJob

BASE_URL = "http://dashscope.test"
CATALOGUE = seed_catalogue()
WAN = "wan/v2.1/1.3b/text-to-video"


def deployment_for(fake: AlibabaFake, **changes: Any) -> Deployment:
    settings: dict[str, Any] = {
        "name": "wan-dashscope",
        "engine": "alibaba",
        "base_url": BASE_URL,
        "credentials": {"api_key": fake.api_key},
        "options": {"region": fake.region},
    }
    return Deployment(**(settings | changes))


def build_job(deployment: Deployment, *, seed: int = 7, **body: Any) -> EngineJob:
    """An EngineJob as the worker builds it: validated params and resolved shape."""
    spec = CATALOGUE.resolve(WAN)
    params = validate_params(spec, {"prompt": "a red fox in the snow", **body})
    return EngineJob(
        id=new_job_id(),
        model=spec,
        params=params,
        images={},
        shape=resolve_shape(spec, params),
        seed=seed,
        deployment=deployment,
    )
