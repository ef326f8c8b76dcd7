"""Credits per generation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from vidgate.domain.catalogue import ModelSpec, PriceRule
from vidgate.domain.shapes import nominal_seconds


def price_of(spec: ModelSpec, params: Mapping[str, Any], rule: PriceRule | None = None) -> int:
    """Credits for one generation: the flat part plus the per-second part, rounded up."""
    rule = rule or spec.price
    return rule.per_video + math.ceil(rule.per_second * nominal_seconds(spec, params))
