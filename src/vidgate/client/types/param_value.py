"""``ParamValue``: what a model parameter may be (JSON; nested values travel as ``a[b]``
form fields when the request carries a file)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

ParamValue: TypeAlias = (
    "str | int | float | bool | Sequence[ParamValue] | Mapping[str, ParamValue] | None"
)
