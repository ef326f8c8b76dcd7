"""The model catalogue: what each public model id accepts, produces and costs.

The entries themselves live in ``seed_catalogue.py``; this module holds the types and the
lookups. Everything here is plain data, so the HTTP layer can list it and the validator,
the pricing and the sandbox engine can read it without I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from vidgate.domain.errors import InvalidRequest

ParamType = Literal["string", "integer", "number", "boolean", "object", "array"]
Scalar = str | int | float | bool
ImageRole = Literal["first_frame", "last_frame", "mask"]
Kind = Literal["t2v", "i2v"]


@dataclass(frozen=True, slots=True)
class ImageRule:
    """What an input image must be. Sizes in bytes and pixels; aspect is width / height."""

    formats: frozenset[str] = frozenset({"JPEG", "PNG"})
    max_bytes: int = 10 * 1024 * 1024
    max_data_uri_chars: int | None = None
    min_side: int | None = None
    max_side: int | None = None
    min_aspect: float | None = None
    max_aspect: float | None = None
    aspect_inclusive: bool = True
    https_only: bool = False


@dataclass(frozen=True, slots=True)
class Param:
    type: ParamType
    enum: tuple[Scalar, ...] | None = None
    default: Scalar | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    utf16_length: bool = False
    non_empty: bool = False
    image: ImageRule | None = None
    image_role: ImageRole | None = None
    deprecated: bool = False
    alias_of: str | None = None
    schema: object | None = None
    item_image_field: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class OutputProfile:
    """The shape of the real model's output, used by the sandbox and to report ``size``.

    ``sizes`` maps an aspect-ratio value to (width, height). Image-to-video models whose
    output follows the input image set ``follows_image`` and ``short_side``; with
    ``orientation_only`` the image only picks between the landscape and portrait sizes.
    """

    fps: float
    sizes: Mapping[str, tuple[int, int]]
    default_aspect: str
    durations: tuple[float, ...]
    default_duration: float
    fixed_frames: int | None = None
    follows_image: bool = False
    short_side: int = 720
    orientation_only: bool = False


@dataclass(frozen=True, slots=True)
class PriceRule:
    """Credits per generation: a flat part plus a part per second of requested video."""

    per_video: int = 0
    per_second: int = 0


@dataclass(frozen=True, slots=True, eq=False)
class ModelSpec:
    """One public model id. Compared by identity, so it can key caches."""

    id: str
    developer: str
    vendor: str
    kinds: tuple[Kind, ...]
    required: tuple[str, ...]
    params: Mapping[str, Param]
    output: OutputProfile
    price: PriceRule
    duration_param: str | None = None
    aspect_param: str | None = None
    unified_aliases: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    @property
    def create_path(self) -> str:
        return f"/v2/generate/video/{self.vendor}/generation"

    def image_params(self) -> dict[str, Param]:
        return {name: p for name, p in self.params.items() if p.image is not None}


class Catalogue:
    """All models, looked up by id or by vendor path."""

    def __init__(self, models: Iterable[ModelSpec]) -> None:
        self._models: dict[str, ModelSpec] = {m.id: m for m in models}

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)

    @property
    def ids(self) -> list[str]:
        return list(self._models)

    def vendors(self) -> list[str]:
        return sorted({m.vendor for m in self._models.values()})

    def for_vendor(self, vendor: str) -> list[ModelSpec]:
        return [m for m in self._models.values() if m.vendor == vendor]

    def get(self, model_id: str) -> ModelSpec | None:
        return self._models.get(model_id)

    def resolve(self, model_id: object, *, vendor: str | None = None) -> ModelSpec:
        """The spec for ``model_id``, or an InvalidRequest naming the allowed ids."""
        allowed = [m.id for m in self.for_vendor(vendor)] if vendor else self.ids
        if not isinstance(model_id, str) or not model_id:
            raise InvalidRequest(
                f"model: required, one of {_quoted(allowed)}", field="model", allowed=allowed
            )
        spec = self._models.get(model_id)
        if spec is None:
            raise InvalidRequest(
                f"model: unknown model {model_id!r}; allowed: {_quoted(allowed)}",
                field="model",
                allowed=allowed,
            )
        if vendor is not None and spec.vendor != vendor:
            raise InvalidRequest(
                f"model: {model_id!r} is served on /v2/generate/video/{spec.vendor}/generation, "
                f"not on the {vendor} path; models on this path: {_quoted(allowed)}",
                field="model",
                allowed=allowed,
            )
        return spec


def _quoted(values: Iterable[object]) -> str:
    return ", ".join(repr(v) for v in values)
