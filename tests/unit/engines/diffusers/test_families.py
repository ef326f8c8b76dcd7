"""The family table: Wan's parameter mapping and shape rules, as plain values."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.engines.diffusers.conftest import JobFactory
from vidgate.domain.errors import UpstreamBadInput
from vidgate.engines.diffusers.families import WAN_T2V, family_for
from vidgate.engines.diffusers.messages import GenerationRequest


@pytest.fixture
def wan_model_dir(tmp_path: Path) -> Path:
    return tmp_path  # mapping never reads the folder


def test_wan_t2v_is_served_by_its_catalogue_id() -> None:
    assert family_for("wan/v2.1/1.3b/text-to-video") is WAN_T2V
    assert family_for("kling-video/v1/standard/text-to-video") is None


def test_wan_params_map_onto_the_pipeline_request(wan_job: JobFactory) -> None:
    job = wan_job(
        seed=42,
        width=832,
        height=480,
        frames=81,
        negative_prompt="blurry",
        inference_steps=30,
        guidance_scale=6,
        shift=3,
        sampler="dpm+",
        enable_prompt_expansion=True,
        enable_safety_checker=True,
    )

    assert WAN_T2V.request_for(job) == GenerationRequest(
        prompt="a cat walks on the grass",
        negative_prompt="blurry",
        width=832,
        height=480,
        frames=81,
        fps=16,
        steps=30,
        guidance_scale=6.0,
        flow_shift=3.0,
        sampler="dpm+",
        seed=42,
    )


def test_missing_params_take_the_catalogue_defaults(wan_job: JobFactory) -> None:
    job = replace(wan_job(), params={"prompt": "a dog"})

    request = WAN_T2V.request_for(job)

    assert (request.steps, request.guidance_scale, request.flow_shift) == (30, 5.0, 5.0)
    assert (request.sampler, request.negative_prompt) == ("unipc", None)


def test_portrait_shape_is_passed_through(wan_job: JobFactory) -> None:
    request = WAN_T2V.request_for(wan_job(width=480, height=832, frames=81))

    assert (request.width, request.height) == (480, 832)


@pytest.mark.parametrize(
    ("width", "height", "frames", "message"),
    [
        (40, 32, 9, "multiples of 16"),
        (32, 24, 9, "multiples of 16"),
        (32, 32, 10, "4k\\+1"),
        (32, 32, 0, "4k\\+1"),
    ],
)
def test_shapes_outside_the_family_rules_are_refused(
    wan_job: JobFactory, width: int, height: int, frames: int, message: str
) -> None:
    with pytest.raises(UpstreamBadInput, match=message):
        WAN_T2V.request_for(wan_job(width=width, height=height, frames=frames))


def test_an_unknown_sampler_is_refused(wan_job: JobFactory) -> None:
    with pytest.raises(UpstreamBadInput, match="unipc, dpm\\+"):
        WAN_T2V.request_for(wan_job(sampler="euler"))
