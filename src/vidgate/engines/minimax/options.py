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

from collections.abc import Mapping
from dataclasses import dataclass, field

from vidgate.domain.routing import Deployment

REGION_BASE_URLS = {"global": "https://api.minimax.io", "china": "https://api.minimaxi.com"}
KNOWN_OPTIONS = frozenset({"region", "image_models"})


class InvalidOptions(ValueError):
    """A deployment's options cannot configure the MiniMax engine."""


@dataclass(frozen=True, slots=True)
class MiniMaxOptions:
    base_url: str
    image_models: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, deployment: Deployment) -> MiniMaxOptions:
        options = deployment.options
        unknown = sorted(set(options) - KNOWN_OPTIONS)
        if unknown:
            known = ", ".join(sorted(KNOWN_OPTIONS))
            raise InvalidOptions(f"unknown minimax option(s) {', '.join(unknown)}; known: {known}")
        region_url = _region_url(options)
        return cls(
            base_url=(deployment.base_url or region_url).rstrip("/"),
            image_models=_model_map(options.get("image_models", {})),
        )


def _region_url(options: Mapping[str, object]) -> str:
    region = options.get("region", "global")
    if not isinstance(region, str) or region not in REGION_BASE_URLS:
        raise InvalidOptions(f"minimax option region must be 'global' or 'china', got {region!r}")
    return REGION_BASE_URLS[region]


def _model_map(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()
    ):
        raise InvalidOptions(
            f"minimax option image_models must map model ids to vendor model names, got {value!r}"
        )
    return dict(value)
