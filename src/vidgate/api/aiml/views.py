"""Jobs in the AIML dialect's shapes."""

from __future__ import annotations

from typing import Any

from vidgate.domain.catalogue import ModelSpec
from vidgate.domain.jobs import Job, JobStatus
from vidgate.domain.validation import describe
from vidgate.services.urls import FileUrls

STATUS = {
    JobStatus.QUEUED: "queued",
    JobStatus.RUNNING: "generating",
    JobStatus.SUCCEEDED: "completed",
    JobStatus.FAILED: "error",
    JobStatus.CANCELLED: "error",
}


def created(job: Job, *, generation_id_only: bool) -> dict[str, Any]:
    """The create answer: ``{"generation_id"}`` for MiniMax's path, else ``{"id", "status"}``."""
    body: dict[str, Any] = (
        {"generation_id": job.id}
        if generation_id_only
        else {"id": job.id, "status": STATUS[job.status]}
    )
    body["meta"] = _meta(job)
    return body


def generation(job: Job, urls: FileUrls, *, video_as_list: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": job.id,
        "status": STATUS[job.status],
        "model": job.model,
        "progress": job.progress,
        "video": None,
    }
    if job.result is not None:
        url = urls.url_for(job.result.blob_key)
        body["video"] = (
            [url]
            if video_as_list
            else {
                "url": url,
                "duration": round(job.result.duration, 3),
                "width": job.result.width,
                "height": job.result.height,
                "fps": job.result.fps,
            }
        )
    if job.error is not None:
        body["error"] = {"name": job.error.name, "message": job.error.message}
    body["meta"] = _meta(job)
    return body


def _meta(job: Job) -> dict[str, Any]:
    return {
        "usage": {"credits_used": job.credits_used},
        "engine": job.engine,
        "seed": job.seed,
    }


def model_entry(spec: ModelSpec, price: dict[str, int]) -> dict[str, Any]:
    out = spec.output
    return {
        "id": spec.id,
        "developer": spec.developer,
        "vendor": spec.vendor,
        "endpoint": spec.create_path,
        "kind": list(spec.kinds),
        "required": list(spec.required),
        "parameters": {
            name: {
                "type": p.type,
                "accepts": describe(p),
                **({"enum": list(p.enum)} if p.enum is not None else {}),
                **({"default": p.default} if p.default is not None else {}),
                **({"minimum": p.minimum} if p.minimum is not None else {}),
                **({"maximum": p.maximum} if p.maximum is not None else {}),
                **({"max_length": p.max_length} if p.max_length is not None else {}),
                **({"image_role": p.image_role} if p.image_role else {}),
                **({"deprecated": True} if p.deprecated else {}),
                **({"alias_of": p.alias_of} if p.alias_of else {}),
                **({"note": p.note} if p.note else {}),
            }
            for name, p in spec.params.items()
        },
        "unified_aliases": dict(spec.unified_aliases),
        "output": {
            "fps": out.fps,
            "sizes": {aspect: f"{w}x{h}" for aspect, (w, h) in out.sizes.items()},
            "durations": list(out.durations),
            "default_duration": out.default_duration,
            "follows_input_image": out.follows_image,
            **({"frames": out.fixed_frames} if out.fixed_frames else {}),
        },
        "price": price,
    }
