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

from typing import ClassVar, Literal

from vidgate.engines.options import DeploymentOptions, Text

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


class AlibabaOptions(DeploymentOptions):
    engine: ClassVar[str] = "alibaba"

    region: Region = "intl"
    resolution: Resolution = "480p"
    workspace: Text | None = None

    @property
    def default_model(self) -> str:
        return REGION_MODELS[self.region]

    def default_base_url(self) -> str:
        return REGION_HOSTS[self.region]
