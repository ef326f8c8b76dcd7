"""The typed messages the engine and its child process exchange over a pipe.

Engine → child: ``Start`` (one job), ``Cancel`` (stop it between steps).
Child → engine: any number of ``Progress``, then exactly one of ``Output`` or ``Error``,
then ``Done`` once the device memory of the job is freed and the child can take the next
``Start``. Every message is a small frozen dataclass; frames never cross the pipe, the
child writes the MP4 itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ErrorKind = Literal["cancelled", "out_of_memory", "load_failed", "failed"]


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """Which weights to load and how to place them. The child reloads when these change."""

    model_dir: str
    device: str = "auto"
    cpu_offload: bool = False
    vae_tiling: bool = False
    compile: bool = False
    offload_text_encoder: bool = False


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """One generation in the pipeline's own terms (already mapped from the job's params)."""

    prompt: str
    negative_prompt: str | None
    width: int
    height: int
    frames: int
    fps: float
    steps: int
    guidance_scale: float
    flow_shift: float
    sampler: str
    seed: int


@dataclass(frozen=True, slots=True)
class Start:
    job_id: str
    family: str
    settings: PipelineSettings
    request: GenerationRequest
    output_path: str


@dataclass(frozen=True, slots=True)
class Cancel:
    job_id: str


@dataclass(frozen=True, slots=True)
class Progress:
    job_id: str
    step: int
    total_steps: int


@dataclass(frozen=True, slots=True)
class Output:
    job_id: str
    path: str
    frames: int


@dataclass(frozen=True, slots=True)
class Error:
    job_id: str
    kind: ErrorKind
    message: str


@dataclass(frozen=True, slots=True)
class Done:
    job_id: str


Command = Start | Cancel
Event = Progress | Output | Error | Done
