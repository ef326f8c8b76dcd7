"""The local engine: diffusers video pipelines run in a child process per device.

This side never imports torch or diffusers; it maps the job onto a ``GenerationRequest``
(through the family table), picks the device's slot and follows the child's messages.
The child (``child.py``) keeps the weights loaded between jobs.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from vidgate.domain.errors import EngineUnavailable
from vidgate.engines.diffusers.device import DeviceSlot
from vidgate.engines.diffusers.families import FAMILIES, PipelineFamily
from vidgate.engines.diffusers.messages import PipelineSettings, Start
from vidgate.engines.diffusers.options import DeviceDefaults, InvalidOptions, pipeline_settings
from vidgate.engines.protocol import (
    Deployment,
    EngineContext,
    EngineJob,
    EngineOutput,
    LocalVideo,
    Readiness,
)

LOCAL_EXTRA = ("torch", "diffusers", "transformers", "accelerate", "safetensors", "ftfy")
OUTPUT_NAME = "output.mp4"


def missing_packages() -> list[str]:
    """The ``vidgate[local]`` packages that are not installed (checked without importing)."""
    return [name for name in LOCAL_EXTRA if find_spec(name) is None]


def install_hint(missing: list[str]) -> str:
    return (
        f"the local engine needs the vidgate[local] extra (missing: {', '.join(missing)}). "
        "Install torch first, from the wheel for your machine (CPU: pip install torch "
        "--index-url https://download.pytorch.org/whl/cpu; NVIDIA GPU: the CUDA wheel from "
        "https://pytorch.org/get-started/locally/), then: pip install 'vidgate[local]'"
    )


class DiffusersEngine:
    """Serves the models in ``families.FAMILIES`` from diffusers-format folders on disk."""

    name = "diffusers"

    def __init__(
        self,
        *,
        device: str = "auto",
        cpu_offload: bool = False,
        vae_tiling: bool = False,
        compile: bool = False,
        offload_text_encoder: bool = False,
        poll_interval: float = 0.1,
        cancel_grace: float = 30.0,
    ) -> None:
        self._defaults = DeviceDefaults(
            device=device,
            cpu_offload=cpu_offload,
            vae_tiling=vae_tiling,
            compile=compile,
            offload_text_encoder=offload_text_encoder,
        )
        self._poll_interval = poll_interval
        self._cancel_grace = cancel_grace
        self._slots: dict[str, DeviceSlot] = {}
        self._active: set[str] = set()
        self._cancelled: set[str] = set()

    def readiness(self, deployment: Deployment) -> Readiness:
        missing = missing_packages()
        if missing:
            return Readiness(False, install_hint(missing))
        try:
            folder = Path(pipeline_settings(deployment.options, self._defaults).model_dir)
        except InvalidOptions as exc:
            return Readiness(False, f"deployment {deployment.name}: {exc}")
        if not (folder / "model_index.json").is_file():
            return Readiness(
                False,
                f"no diffusers model folder at {folder} "
                "(model_index.json is missing); see docs/local-engine.md",
            )
        return Readiness(True)

    async def run(self, job: EngineJob, ctx: EngineContext) -> EngineOutput:
        family = self._family(job)
        start = Start(
            job_id=job.id,
            family=family.key,
            settings=self._settings(job.deployment),
            request=family.request_for(job),
            output_path=str(ctx.workdir / OUTPUT_NAME),
        )
        self._active.add(job.id)
        try:
            slot = self._slot(start.settings.device)
            output = await slot.run(start, ctx, lambda: self._should_stop(job, ctx))
        finally:
            self._active.discard(job.id)
            self._cancelled.discard(job.id)
        return LocalVideo(Path(output.path))

    async def cancel(self, job: EngineJob, upstream: Mapping[str, Any] | None) -> bool:
        """Stop the run between two steps; a local run is never billed by anyone."""
        if job.id in self._active:
            self._cancelled.add(job.id)
        return False

    async def close(self) -> None:
        """Stop every child process (server shutdown)."""
        for slot in self._slots.values():
            await slot.close()

    def child_pid(self, device: str = "auto") -> int | None:
        """The pid of the process that owns ``device``, if one runs (for operators and tests)."""
        slot = self._slots.get(device)
        return slot.child_pid if slot is not None else None

    def _family(self, job: EngineJob) -> PipelineFamily:
        family = FAMILIES.get(job.model.id)
        if family is None:
            served = ", ".join(FAMILIES)
            raise EngineUnavailable(f"the diffusers engine serves {served}, not {job.model.id}")
        missing = missing_packages()
        if missing:
            raise EngineUnavailable(install_hint(missing))
        return family

    def _settings(self, deployment: Deployment) -> PipelineSettings:
        try:
            return pipeline_settings(deployment.options, self._defaults)
        except InvalidOptions as exc:
            raise EngineUnavailable(f"deployment {deployment.name}: {exc}") from exc

    def _slot(self, device: str) -> DeviceSlot:
        if device not in self._slots:
            self._slots[device] = DeviceSlot(
                device, poll_interval=self._poll_interval, cancel_grace=self._cancel_grace
            )
        return self._slots[device]

    def _should_stop(self, job: EngineJob, ctx: EngineContext) -> bool:
        return ctx.cancel_requested or job.id in self._cancelled
