"""The shared parsing of a deployment's engine options (``engines/options.py``)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Literal

import pytest
from pydantic import Field

from tests.unit.engines.scripted import make_job
from vidgate.domain.errors import InternalError, UpstreamBadInput
from vidgate.domain.routing import Deployment
from vidgate.engines.options import DeploymentOptions, InvalidOptions, Text, vendor_model_name

HOSTS = {"north": "https://north.vendor.test/", "south": "https://south.vendor.test"}


class VendorOptions(DeploymentOptions):
    engine: ClassVar[str] = "vendor"

    region: Literal["north", "south"] = "north"
    fast: bool = False
    workspace: Text | None = None
    aliases: dict[str, Text] = Field(default_factory=dict, description="a map of names")

    def default_base_url(self) -> str:
        return HOSTS[self.region]


def deployment(**options: Any) -> Deployment:
    return Deployment(name="d", engine="vendor", options=options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"regoin": 1, "colour": 2}, "unknown vendor option(s) colour, regoin; known: aliases, "),
        ({"region": "east"}, "vendor option region must be 'north' or 'south', got 'east'"),
        ({"fast": "yes"}, "vendor option fast must be true or false, got 'yes'"),
        ({"fast": 1}, "vendor option fast must be true or false, got 1"),
        ({"workspace": "  "}, "vendor option workspace must be a non-empty string, got '  '"),
        ({"aliases": {"a": 1}}, "vendor option aliases must be a map of names, got {'a': 1}"),
    ],
)
def test_bad_options_name_the_option_and_what_it_takes(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidOptions) as raised:
        VendorOptions.of(deployment(**options))

    assert str(raised.value).startswith(message)


def test_base_url_is_the_deployments_own_else_the_default_without_a_trailing_slash() -> None:
    assert VendorOptions.of(deployment()).base_url == "https://north.vendor.test"
    assert VendorOptions.of(deployment(region="south")).base_url == "https://south.vendor.test"
    own = dataclasses.replace(deployment(region="south"), base_url="http://127.0.0.1:9/")
    assert VendorOptions.of(own).base_url == "http://127.0.0.1:9"


def test_values_are_normalised() -> None:
    parsed = VendorOptions.of(deployment(workspace="  ws-1 ", aliases={"a": " b "}))

    assert (parsed.workspace, parsed.aliases) == ("ws-1", {"a": "b"})


def test_a_deployment_is_parsed_once_until_it_changes() -> None:
    first = VendorOptions.of(deployment(fast=True))

    assert VendorOptions.of(deployment(fast=True)) is first
    assert VendorOptions.of(deployment(fast=False)).fast is False


def test_bad_options_of_a_running_job_are_a_server_error() -> None:
    with pytest.raises(InternalError, match=r"deployment 'scripted' is misconfigured: .*fast"):
        VendorOptions.for_job(make_job(fast="yes"))


def test_vendor_model_name_prefers_the_deployment() -> None:
    job = make_job()
    renamed = dataclasses.replace(
        job, deployment=dataclasses.replace(job.deployment, vendor_models={"veo2": "veo-x"})
    )

    assert vendor_model_name(renamed, "veo-default", engine="vendor") == "veo-x"
    assert vendor_model_name(job, "veo-default", engine="vendor") == "veo-default"
    with pytest.raises(UpstreamBadInput, match="vendor: no vendor model for 'veo2'"):
        vendor_model_name(job, None, engine="vendor")
