"""AIML request fields → the body of DashScope's video-synthesis call. Pure functions.

    input.prompt               prompt (DashScope truncates past 800 characters)
    input.negative_prompt      negative_prompt, when given
    parameters.size            "W*H" from aspect_ratio and the deployment's resolution tier
    parameters.duration        5 (Wan 2.1 renders five seconds only)
    parameters.prompt_extend   enable_prompt_expansion, default false: the AIML model does not
                               rewrite prompts unless asked, while DashScope would by default
    parameters.seed            the job's seed (the caller's, or the one vidgate drew)
    parameters.watermark       false

``inference_steps``, ``guidance_scale``, ``shift``, ``sampler`` and
``enable_safety_checker`` tune the open 1.3B pipeline; DashScope's hosted model has no such
fields, so they are accepted and ignored (DashScope's own moderation always applies).
"""

from __future__ import annotations

from typing import Any

from vidgate.engines.alibaba.options import Resolution
from vidgate.engines.protocol import EngineJob

DURATION_SECONDS = 5
SEED_LIMIT = 2**31
SIZES: dict[Resolution, dict[str, str]] = {
    "480p": {"16:9": "832*480", "9:16": "480*832"},
    "720p": {"16:9": "1280*720", "9:16": "720*1280"},
}


def build_request(job: EngineJob, *, model: str, resolution: Resolution) -> dict[str, Any]:
    params = job.params
    text: dict[str, Any] = {"prompt": str(params["prompt"])}
    if params.get("negative_prompt"):
        text["negative_prompt"] = str(params["negative_prompt"])
    return {
        "model": model,
        "input": text,
        "parameters": {
            "size": size_for(params.get("aspect_ratio"), resolution),
            "duration": DURATION_SECONDS,
            "prompt_extend": bool(params.get("enable_prompt_expansion", False)),
            "seed": job.seed % SEED_LIMIT,
            "watermark": False,
        },
    }


def size_for(aspect_ratio: object, resolution: Resolution) -> str:
    sizes = SIZES[resolution]
    return sizes.get(str(aspect_ratio), sizes["16:9"])
