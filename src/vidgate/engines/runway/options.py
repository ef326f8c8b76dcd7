"""Per-deployment settings of the Runway engine, read from ``Deployment.base_url``/``options``.

Options:
    send_watermark  false (default) or true. The ``watermark`` field exists only in the
                    2024-11 request schema and was removed later, so by default it is never
                    sent (Runway's API output carries no watermark without it). Set true for
                    an account that still honours it; the caller's value is then forwarded
                    whenever given.
"""

from __future__ import annotations

from typing import ClassVar

from vidgate.engines.options import DeploymentOptions

DEFAULT_BASE_URL = "https://api.dev.runwayml.com"


class RunwayOptions(DeploymentOptions):
    engine: ClassVar[str] = "runway"

    send_watermark: bool = False

    def default_base_url(self) -> str:
        return DEFAULT_BASE_URL
