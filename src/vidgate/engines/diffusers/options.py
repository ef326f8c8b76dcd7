"""Device and memory settings: engine-wide defaults, overridden per deployment option."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from vidgate.engines.diffusers.messages import PipelineSettings

DEVICE_NAME = re.compile(r"auto|cpu|cuda(:\d+)?")
SWITCHES = ("cpu_offload", "vae_tiling", "compile", "offload_text_encoder")
KNOWN_OPTIONS = frozenset({"model_dir", "device", *SWITCHES})


class InvalidOptions(ValueError):
    """A deployment's options cannot configure the local engine."""


@dataclass(frozen=True, slots=True)
class DeviceDefaults:
    """The engine's constructor settings; each can be overridden by a deployment option."""

    device: str = "auto"
    cpu_offload: bool = False
    vae_tiling: bool = False
    compile: bool = False
    offload_text_encoder: bool = False

    def __post_init__(self) -> None:
        _check_device(self.device)


def pipeline_settings(options: Mapping[str, object], defaults: DeviceDefaults) -> PipelineSettings:
    """Merge ``options`` over ``defaults``; raises ``InvalidOptions`` naming the bad option."""
    unknown = sorted(set(options) - KNOWN_OPTIONS)
    if unknown:
        known = ", ".join(sorted(KNOWN_OPTIONS))
        raise InvalidOptions(f"unknown option(s) {', '.join(unknown)}; known: {known}")
    return PipelineSettings(
        model_dir=model_dir(options),
        device=_check_device(options.get("device", defaults.device)),
        cpu_offload=_switch(options, "cpu_offload", defaults.cpu_offload),
        vae_tiling=_switch(options, "vae_tiling", defaults.vae_tiling),
        compile=_switch(options, "compile", defaults.compile),
        offload_text_encoder=_switch(
            options, "offload_text_encoder", defaults.offload_text_encoder
        ),
    )


def model_dir(options: Mapping[str, object]) -> str:
    value = options.get("model_dir")
    if not isinstance(value, str) or not value:
        raise InvalidOptions(
            "set options.model_dir to the folder holding the diffusers-format weights"
        )
    return str(Path(value).expanduser())


def _check_device(value: object) -> str:
    if not isinstance(value, str) or not DEVICE_NAME.fullmatch(value):
        raise InvalidOptions(f"device must be auto, cpu, cuda or cuda:N, got {value!r}")
    return value


def _switch(options: Mapping[str, object], name: str, default: bool) -> bool:
    value = options.get(name, default)
    if not isinstance(value, bool):
        raise InvalidOptions(f"option {name} must be true or false, got {value!r}")
    return value
