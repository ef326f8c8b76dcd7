"""Fixtures for the local engine: the tiny Wan folder (built once per run) and jobs for it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from vidgate.domain.jobs import VideoShape
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import WAN_T2V
from vidgate.engines.diffusers import DiffusersEngine
from vidgate.engines.protocol import EngineJob

# No test may reach a hub, even by accident; spawned children inherit these too.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

JobFactory = Callable[..., EngineJob]


@pytest.fixture(scope="session")
def tiny_wan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("diffusers", reason="needs the vidgate[local] extra")
    from tests.support.tiny_wan import build_tiny_wan

    return build_tiny_wan(tmp_path_factory.mktemp("tiny-wan"))


@pytest.fixture
def wan_model_dir(tiny_wan_dir: Path) -> Path:
    """The folder jobs point at; modules that never generate override it with an empty one."""
    return tiny_wan_dir


@pytest.fixture
def wan_job(wan_model_dir: Path) -> JobFactory:
    """Builds a Wan job for the tiny folder: 32x32, 9 frames, 2 steps unless told otherwise."""

    def build(
        *,
        seed: int = 1,
        width: int = 32,
        height: int = 32,
        frames: int = 9,
        options: dict[str, Any] | None = None,
        **params: Any,
    ) -> EngineJob:
        deployment = Deployment(
            name="local-wan",
            engine="diffusers",
            options={"model_dir": str(wan_model_dir), **(options or {})},
        )
        return EngineJob(
            id=uuid.uuid4().hex,
            model=WAN_T2V,
            params={"prompt": "a cat walks on the grass", "inference_steps": 2, **params},
            images={},
            shape=VideoShape(width=width, height=height, fps=16, frames=frames),
            seed=seed,
            deployment=deployment,
        )

    return build


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def engine() -> AsyncIterator[DiffusersEngine]:
    """One engine (so one child process, loaded once) shared by a module's tests."""
    shared = DiffusersEngine(device="cpu", poll_interval=0.02)
    yield shared
    await shared.close()
