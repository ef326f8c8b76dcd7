"""Device and memory settings: constructor defaults, overridden per deployment."""

from __future__ import annotations

import pytest

from vidgate.engines.diffusers.messages import PipelineSettings
from vidgate.engines.diffusers.options import DeviceDefaults, InvalidOptions, pipeline_settings


def test_the_engine_defaults_apply_when_the_deployment_sets_nothing() -> None:
    defaults = DeviceDefaults(device="cuda:1", vae_tiling=True)

    settings = pipeline_settings({"model_dir": "/models/wan"}, defaults)

    assert settings == PipelineSettings(model_dir="/models/wan", device="cuda:1", vae_tiling=True)


def test_deployment_options_override_the_engine_defaults() -> None:
    options = {
        "model_dir": "/models/wan",
        "device": "cpu",
        "cpu_offload": True,
        "vae_tiling": False,
        "compile": True,
        "offload_text_encoder": True,
    }

    settings = pipeline_settings(options, DeviceDefaults(vae_tiling=True))

    assert settings == PipelineSettings(
        model_dir="/models/wan",
        device="cpu",
        cpu_offload=True,
        vae_tiling=False,
        compile=True,
        offload_text_encoder=True,
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "model_dir"),
        ({"model_dir": ""}, "model_dir"),
        ({"model_dir": "/m", "device": "tpu"}, "device must be"),
        ({"model_dir": "/m", "compile": "yes"}, "compile must be true or false"),
        ({"model_dir": "/m", "modeldir": "/m"}, "unknown option.*modeldir"),
    ],
)
def test_bad_options_are_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidOptions, match=message):
        pipeline_settings(options, DeviceDefaults())


def test_a_bad_default_device_fails_at_construction() -> None:
    with pytest.raises(InvalidOptions, match="device must be"):
        DeviceDefaults(device="gpu")
