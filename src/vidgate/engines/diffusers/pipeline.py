"""Loading and running a diffusers video pipeline: the only module that touches torch.

It imports torch and diffusers inside its functions, so importing it costs nothing; the
child process (and ``bench/local_wan.py``) call it. The real weights and the tiny test
folder go through the same calls: only ``settings.model_dir`` differs.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from vidgate.engines.diffusers.families import PipelineFamily
from vidgate.engines.diffusers.messages import GenerationRequest, PipelineSettings
from vidgate.media.encode import Frame

StepCallback = Callable[[int, int], None]
"""Called after each denoising step with (steps done, total steps); may raise to stop."""


@dataclass(slots=True)
class LoadedPipeline:
    settings: PipelineSettings
    family: PipelineFamily
    pipe: Any
    text_encoder_on_cpu: bool
    scheduler_config: Any


def load_pipeline(family: PipelineFamily, settings: PipelineSettings) -> LoadedPipeline:
    """Load the folder offline and place it on the device as ``settings`` ask."""
    _go_offline()
    import diffusers
    import torch

    device = resolve_device(settings.device)
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    # The Wan authors decode in float32 whatever the transformer's dtype; bf16 costs quality.
    vae = getattr(diffusers, family.vae_class).from_pretrained(
        settings.model_dir, subfolder="vae", dtype=torch.float32, local_files_only=True
    )
    pipe = getattr(diffusers, family.pipeline_class).from_pretrained(
        settings.model_dir, vae=vae, dtype=dtype, local_files_only=True
    )
    pipe.set_progress_bar_config(disable=True)
    text_encoder_on_cpu = _place(pipe, settings, device)
    _speed_up(pipe, settings)
    return LoadedPipeline(settings, family, pipe, text_encoder_on_cpu, pipe.scheduler.config)


def generate(loaded: LoadedPipeline, request: GenerationRequest, on_step: StepCallback) -> Frame:
    """Run one generation and return its frames as uint8 (frames, height, width, 3)."""
    import torch

    pipe = loaded.pipe
    pipe.scheduler = _scheduler(loaded, request)
    positive, negative = encode_prompts(loaded, request)
    result = pipe(
        prompt_embeds=positive,
        negative_prompt_embeds=negative,
        height=request.height,
        width=request.width,
        num_frames=request.frames,
        num_inference_steps=request.steps,
        guidance_scale=request.guidance_scale,
        # A CPU generator gives the same noise, hence the same video, on every device.
        generator=torch.Generator(device="cpu").manual_seed(request.seed),
        output_type="np",
        callback_on_step_end=_step_hook(on_step, request.steps),
    )
    return to_uint8(result.frames[0])


def encode_prompts(loaded: LoadedPipeline, request: GenerationRequest) -> tuple[Any, Any]:
    """Text embeddings on the execution device; computed on the CPU if the encoder lives there."""
    import torch

    pipe = loaded.pipe
    target = pipe._execution_device
    with torch.no_grad():
        positive, negative = pipe.encode_prompt(
            request.prompt,
            request.negative_prompt,
            do_classifier_free_guidance=request.guidance_scale > 1.0,
            max_sequence_length=loaded.family.max_sequence_length,
            device=torch.device("cpu") if loaded.text_encoder_on_cpu else target,
        )
    return positive.to(target), None if negative is None else negative.to(target)


def resolve_device(name: str) -> str:
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {name} asked for, but this torch build sees no CUDA GPU")
    return name


def to_uint8(frames: Any) -> Frame:
    """Float frames in [0, 1] to uint8, rounding as diffusers' own image conversion does."""
    array = np.asarray(frames, dtype=np.float32)
    return np.clip(np.round(array * 255.0), 0, 255).astype(np.uint8)


def free_device_memory() -> None:
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def is_out_of_memory(exc: BaseException) -> bool:
    import torch

    if isinstance(exc, MemoryError | torch.cuda.OutOfMemoryError):
        return True
    # The CPU allocator reports exhaustion as a plain RuntimeError.
    return isinstance(exc, RuntimeError) and "can't allocate memory" in str(exc)


def _go_offline() -> None:
    """Never reach a hub from a server: huggingface_hub reads these when first imported."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import diffusers.utils.logging
    import transformers.utils.logging

    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]


def _place(pipe: Any, settings: PipelineSettings, device: str) -> bool:
    """Move the components to ``device``; return True when the text encoder stays on the CPU."""
    import torch

    if device == "cpu":
        return False
    if settings.cpu_offload:
        pipe.enable_model_cpu_offload(device=device)
        return False
    if not settings.offload_text_encoder:
        pipe.to(device)
        return False
    for name, component in pipe.components.items():
        if name != "text_encoder" and isinstance(component, torch.nn.Module):
            component.to(device)
    return True


def _speed_up(pipe: Any, settings: PipelineSettings) -> None:
    if settings.vae_tiling:
        pipe.vae.enable_tiling()
    if settings.compile:
        # Regional compilation: each repeated block once, so the first job compiles in
        # seconds rather than minutes, for about the same speed-up as compiling it whole.
        compile_blocks = getattr(pipe.transformer, "compile_repeated_blocks", None)
        if compile_blocks is not None:
            compile_blocks(fullgraph=True)
        else:
            pipe.transformer.compile()


def _scheduler(loaded: LoadedPipeline, request: GenerationRequest) -> Any:
    import diffusers

    recipe = loaded.family.samplers[request.sampler]
    scheduler_class = getattr(diffusers, recipe.class_name)
    return scheduler_class.from_config(
        loaded.scheduler_config, **recipe.options, flow_shift=request.flow_shift
    )


def _step_hook(on_step: StepCallback, total: int) -> Callable[..., dict[str, Any]]:
    def hook(_pipe: Any, step: int, _timestep: Any, _tensors: dict[str, Any]) -> dict[str, Any]:
        on_step(step + 1, total)
        return {}

    return hook
