"""Per-deployment settings of the Alibaba DashScope engine, read from the ``Deployment``.

Options:
    region      "intl" (default, Singapore: dashscope-intl.aliyuncs.com, model
                ``wan2.1-t2v-turbo``), "cn" (Beijing: dashscope.aliyuncs.com, model
                ``wanx2.1-t2v-turbo``) or "us" (Virginia: dashscope-us.aliyuncs.com; which Wan
                models it serves is unconfirmed, so map the model with ``vendor_models``).
                A key, its region's host and its region's model names go together: a key
                from another region is refused as InvalidApiKey.
    resolution  "480p" (default: 832*480 / 480*832, the turbo tier matching the 1.3B-class
                model's output) or "720p" (1280*720 / 720*1280; the only tier of the
                ``-plus`` models).
    workspace   optional DashScope workspace id, sent as ``X-DashScope-WorkSpace``.

``base_url`` replaces the scheme and host (e.g. a workspace-dedicated endpoint); the engine
appends ``/api/v1/...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from vidgate.domain.routing import Deployment

Region = Literal["intl", "cn", "us"]
Resolution = Literal["480p", "720p"]

REGION_HOSTS: dict[Region, str] = {
    "intl": "https://dashscope-intl.aliyuncs.com",
    "cn": "https://dashscope.aliyuncs.com",
    "us": "https://dashscope-us.aliyuncs.com",
}
# Beijing spells the model ids "wanx2.1-…"; the other regions "wan2.1-…".
REGION_MODELS: dict[Region, str] = {
    "intl": "wan2.1-t2v-turbo",
    "cn": "wanx2.1-t2v-turbo",
    "us": "wan2.1-t2v-turbo",
}
KNOWN_OPTIONS = frozenset({"region", "resolution", "workspace"})


class InvalidOptions(ValueError):
    """A deployment's options cannot configure the Alibaba engine."""


@dataclass(frozen=True, slots=True)
class AlibabaOptions:
    region: Region
    base_url: str
    resolution: Resolution = "480p"
    workspace: str | None = None

    @property
    def default_model(self) -> str:
        return REGION_MODELS[self.region]

    @classmethod
    def of(cls, deployment: Deployment) -> AlibabaOptions:
        options = deployment.options
        unknown = sorted(set(options) - KNOWN_OPTIONS)
        if unknown:
            known = ", ".join(sorted(KNOWN_OPTIONS))
            raise InvalidOptions(f"unknown alibaba option(s) {', '.join(unknown)}; known: {known}")
        region = _region(options)
        return cls(
            region=region,
            base_url=(deployment.base_url or REGION_HOSTS[region]).rstrip("/"),
            resolution=_resolution(options),
            workspace=_workspace(options),
        )


def _region(options: Mapping[str, object]) -> Region:
    value = options.get("region", "intl")
    for region in REGION_HOSTS:
        if value == region:
            return region
    raise InvalidOptions(f"alibaba option region must be 'intl', 'cn' or 'us', got {value!r}")


def _resolution(options: Mapping[str, object]) -> Resolution:
    value = options.get("resolution", "480p")
    if value == "480p" or value == "720p":
        return value
    raise InvalidOptions(f"alibaba option resolution must be '480p' or '720p', got {value!r}")


def _workspace(options: Mapping[str, object]) -> str | None:
    value = options.get("workspace")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidOptions(f"alibaba option workspace must be a non-empty string, got {value!r}")
    return value.strip()
