"""Pipeline families: what differs between diffusers video pipelines, held as data.

Serving another diffusers video model is one more entry in ``FAMILIES``: its pipeline and
VAE classes (names in the ``diffusers`` namespace, so this module never imports it), the
schedulers its ``sampler`` parameter selects, its frame and size rules, and how the public
parameters map onto a ``GenerationRequest``. The engine and the child process read only
this table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vidgate.domain.errors import UpstreamBadInput
from vidgate.domain.jobs import VideoShape
from vidgate.engines.diffusers.messages import GenerationRequest
from vidgate.engines.protocol import EngineJob

FLOW_PREDICTION: Mapping[str, object] = {
    "prediction_type": "flow_prediction",
    "use_flow_sigmas": True,
}


@dataclass(frozen=True, slots=True)
class SchedulerRecipe:
    """A scheduler class and the options it needs on top of the folder's scheduler config."""

    class_name: str
    options: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class ShapeRules:
    """Sizes a multiple of ``size_multiple`` (VAE x patch), frames ``frame_step * k + 1``."""

    size_multiple: int
    frame_step: int

    def check(self, shape: VideoShape) -> None:
        if shape.width % self.size_multiple or shape.height % self.size_multiple:
            raise UpstreamBadInput(
                f"width and height must be multiples of {self.size_multiple}, "
                f"got {shape.width}x{shape.height}"
            )
        if shape.frames < 1 or (shape.frames - 1) % self.frame_step:
            raise UpstreamBadInput(
                f"the frame count must be {self.frame_step}k+1 (such as 9, 49, 81), "
                f"got {shape.frames}"
            )


@dataclass(frozen=True, slots=True)
class PipelineFamily:
    key: str
    pipeline_class: str
    vae_class: str
    samplers: Mapping[str, SchedulerRecipe]
    shape_rules: ShapeRules
    map_params: Callable[[EngineJob], GenerationRequest]
    max_sequence_length: int = 512

    def request_for(self, job: EngineJob) -> GenerationRequest:
        """The job in pipeline terms; raises ``UpstreamBadInput`` when it breaks the rules."""
        self.shape_rules.check(job.shape)
        request = self.map_params(job)
        if request.sampler not in self.samplers:
            allowed = ", ".join(self.samplers)
            raise UpstreamBadInput(f"sampler must be one of {allowed}, got {request.sampler!r}")
        return request


def _param(job: EngineJob, name: str) -> Any:
    """The job's value for ``name``, or the catalogue's default when the job left it out."""
    value = job.params.get(name)
    if value is None and name in job.model.params:
        return job.model.params[name].default
    return value


def map_wan_params(job: EngineJob) -> GenerationRequest:
    """Wan's public parameters; ``aspect_ratio`` already chose ``job.shape``.

    ``enable_prompt_expansion`` and ``enable_safety_checker`` are accepted and ignored: no
    prompt-expansion model or safety checker runs locally (docs/local-engine.md).
    """
    negative = _param(job, "negative_prompt")
    return GenerationRequest(
        prompt=str(_param(job, "prompt") or ""),
        negative_prompt=str(negative) if negative else None,
        width=job.shape.width,
        height=job.shape.height,
        frames=job.shape.frames,
        fps=job.shape.fps,
        steps=int(_param(job, "inference_steps")),
        guidance_scale=float(_param(job, "guidance_scale")),
        flow_shift=float(_param(job, "shift")),
        sampler=str(_param(job, "sampler")),
        seed=job.seed,
    )


WAN_T2V = PipelineFamily(
    key="wan/v2.1/1.3b/text-to-video",
    pipeline_class="WanPipeline",
    vae_class="AutoencoderKLWan",
    samplers={
        "unipc": SchedulerRecipe("UniPCMultistepScheduler", FLOW_PREDICTION),
        "dpm+": SchedulerRecipe("DPMSolverMultistepScheduler", FLOW_PREDICTION),
    },
    shape_rules=ShapeRules(size_multiple=16, frame_step=4),
    map_params=map_wan_params,
)

FAMILIES: Mapping[str, PipelineFamily] = {family.key: family for family in (WAN_T2V,)}


def family_for(model_id: str) -> PipelineFamily | None:
    return FAMILIES.get(model_id)
