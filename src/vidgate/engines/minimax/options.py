"""Per-deployment settings of the MiniMax engine, read from ``Deployment.base_url``/``options``.

Options:
    region        "global" (default, api.minimax.io) or "china" (api.minimaxi.com); ignored
                  when ``base_url`` is set. A key works only on its own region's host.
    image_models  public model id → the vendor model to use when the request carries a first
                  frame. For accounts where MiniMax splits text- and image-to-video (e.g.
                  ``vendor_models: {"video-01": "T2V-01"}`` with
                  ``image_models: {"video-01": "I2V-01"}``). Without it, ``vendor_models`` (or
                  the legacy name) serves both.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from vidgate.engines.options import DeploymentOptions, Text

Region = Literal["global", "china"]

REGION_BASE_URLS: dict[Region, str] = {
    "global": "https://api.minimax.io",
    "china": "https://api.minimaxi.com",
}


class MiniMaxOptions(DeploymentOptions):
    engine: ClassVar[str] = "minimax"

    region: Region = "global"
    image_models: dict[str, Text] = Field(
        default_factory=dict, description="a map of model ids to vendor model names"
    )

    def default_base_url(self) -> str:
        return REGION_BASE_URLS[self.region]
