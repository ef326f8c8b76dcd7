"""Per-model request validation, built from the catalogue's parameter specs.

Each model gets one pydantic model (built once, cached) that forbids unknown fields and
enforces types, enums, ranges and lengths. Pydantic's errors are turned into
``InvalidRequest`` whose message names the field and what it allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
)
from pydantic_core import ErrorDetails

from vidgate.domain.catalogue import ModelSpec, Param
from vidgate.domain.errors import InvalidRequest

_BASE_TYPES: dict[str, type] = {"string": str, "integer": int, "number": float, "boolean": bool}
# Text fields the reference leaves unbounded still get a bound, so no request stores megabytes.
DEFAULT_MAX_TEXT = 10_000
# Image fields carry URLs or data URIs; 28 M characters holds a 20 MB image in base64.
MAX_IMAGE_REFERENCE = 28_000_000


def validate_params(
    spec: ModelSpec, body: Mapping[str, Any], *, unified: bool = False
) -> dict[str, Any]:
    """Check ``body`` (the request without ``model``) and return the normalised parameters.

    Normalised means: aliases resolved to their canonical names, ``null`` treated as absent,
    numbers and numeric strings coerced to the type the model documents, defaults filled in.
    """
    raw = {k: v for k, v in body.items() if k != "model" and v is not None}
    if unified:
        raw = _apply_unified_aliases(spec, raw)
    try:
        checked = _validator(spec).model_validate(raw)
    except ValidationError as exc:
        raise _to_invalid_request(spec, exc, unified=unified) from None
    params = checked.model_dump(exclude_none=True, mode="json")
    params = _resolve_aliases(spec, params)
    for name, param in spec.params.items():
        if name not in params and param.default is not None and param.alias_of is None:
            params[name] = param.default
    return params


def allowed_fields(spec: ModelSpec, *, unified: bool = False) -> list[str]:
    names: list[str] = ["model", *spec.params]
    if unified:
        names += list(spec.unified_aliases)
    return names


def describe(param: Param) -> str:
    """What a parameter accepts, in words, for error messages and the catalogue listing."""
    if param.enum is not None:
        return "one of " + ", ".join(repr(v) for v in param.enum)
    kind = {
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "string": "a string",
        "object": "an object",
        "array": "an array",
    }[param.type]
    if param.minimum is not None and param.maximum is not None:
        return f"{kind} between {_num(param.minimum)} and {_num(param.maximum)}"
    if param.max_length is not None:
        unit = "UTF-16 code units" if param.utf16_length else "characters"
        return f"{kind} of at most {param.max_length} {unit}"
    return kind


def _apply_unified_aliases(spec: ModelSpec, raw: dict[str, Any]) -> dict[str, Any]:
    for alias, canonical in spec.unified_aliases.items():
        if alias not in raw:
            continue
        if canonical in raw:
            raise InvalidRequest(
                f"{alias}: give either {alias!r} or {canonical!r}, not both", field=alias
            )
        raw[canonical] = raw.pop(alias)
    return raw


def _resolve_aliases(spec: ModelSpec, params: dict[str, Any]) -> dict[str, Any]:
    for name, param in spec.params.items():
        if param.alias_of is None or name not in params:
            continue
        value = params.pop(name)
        current = params.get(param.alias_of)
        if current is not None and current != value:
            raise InvalidRequest(
                f"{name}: deprecated alias of {param.alias_of!r}, and the two disagree "
                f"({value!r} vs {current!r})",
                field=name,
            )
        params[param.alias_of] = value
    return params


@cache
def _validator(spec: ModelSpec) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name, param in spec.params.items():
        annotation = _annotation(param)
        if name in spec.required:
            fields[name] = (annotation, ...)
        else:
            fields[name] = (annotation | None, None)
    slug = "".join(c if c.isalnum() else "_" for c in spec.id)
    return create_model(
        f"Request_{slug}",
        __config__=ConfigDict(extra="forbid", str_strip_whitespace=False),
        **fields,
    )


def _annotation(param: Param) -> Any:
    if param.schema is not None:
        return param.schema
    if param.enum is not None:
        return Annotated[Literal[param.enum], BeforeValidator(_coerce_to(param))]
    base = _BASE_TYPES[param.type]
    constraints: dict[str, Any] = {}
    if param.minimum is not None:
        constraints["ge"] = param.minimum
    if param.maximum is not None:
        constraints["le"] = param.maximum
    if param.max_length is not None and not param.utf16_length:
        constraints["max_length"] = param.max_length
    elif param.type == "string":
        constraints["max_length"] = MAX_IMAGE_REFERENCE if param.image else DEFAULT_MAX_TEXT
    if param.non_empty:
        constraints["min_length"] = 1
    strict = param.type == "boolean"
    annotation: Any = Annotated[base, Field(strict=strict, **constraints)]
    if param.utf16_length and param.max_length is not None:
        annotation = Annotated[annotation, AfterValidator(_utf16_limit(param.max_length))]
    return annotation


def _coerce_to(param: Param) -> Any:
    """Accept 5 for "5" and "5" for 5: clients disagree on the type, never on the value."""
    numeric = all(isinstance(v, int | float) for v in param.enum or ())

    def coerce(value: Any) -> Any:
        if numeric and isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                return value
            return int(number) if number.is_integer() else number
        if not numeric and isinstance(value, int | float) and not isinstance(value, bool):
            return str(int(value)) if float(value).is_integer() else str(value)
        if numeric and isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    return coerce


def _utf16_limit(limit: int) -> Any:
    def check(value: str) -> str:
        units = len(value.encode("utf-16-le")) // 2
        if units > limit:
            raise ValueError(f"at most {limit} UTF-16 code units; got {units}")
        return value

    return check


def _to_invalid_request(spec: ModelSpec, exc: ValidationError, *, unified: bool) -> InvalidRequest:
    errors = exc.errors(include_url=False)
    messages = [_message(spec, error, unified=unified) for error in errors]
    first = errors[0]
    field = _field_path(first)
    top = spec.params.get(str(first["loc"][0])) if first["loc"] else None
    allowed: list[object] | None = (
        list(top.enum) if top is not None and top.enum is not None else None
    )
    if first["type"] == "extra_forbidden":
        allowed = [*allowed_fields(spec, unified=unified)]
    return InvalidRequest("; ".join(messages), field=field, allowed=allowed)


def _message(spec: ModelSpec, error: ErrorDetails, *, unified: bool) -> str:
    field = _field_path(error)
    param = spec.params.get(str(error["loc"][0])) if error["loc"] else None
    kind = error["type"]
    if kind == "extra_forbidden":
        names = ", ".join(allowed_fields(spec, unified=unified))
        return f"{field}: not a parameter of model {spec.id!r}; allowed fields: {names}"
    if kind == "missing":
        return f"{field}: required for model {spec.id!r}"
    if kind == "string_too_short":
        return f"{field}: must not be empty"
    if kind == "value_error":
        return f"{field}: {error['msg'].removeprefix('Value error, ')}"
    if param is not None and len(error["loc"]) == 1 and param.schema is None:
        return f"{field}: must be {describe(param)}; got {_shown(error['input'])}"
    return f"{field}: {error['msg']}; got {_shown(error['input'])}"


def _field_path(error: ErrorDetails) -> str:
    parts: list[str] = []
    for part in error["loc"]:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part in ("literal", "function-after", "function-before"):
            continue
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "body"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
