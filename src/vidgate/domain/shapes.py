"""What a request will produce: size, frame rate, frame count, nominal duration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vidgate.domain.catalogue import ModelSpec
from vidgate.domain.jobs import VideoShape


def nominal_seconds(spec: ModelSpec, params: Mapping[str, Any]) -> float:
    """The duration the caller asked for (or the model's fixed one): what pricing uses."""
    if spec.duration_param is None:
        return spec.output.default_duration
    return float(params.get(spec.duration_param, spec.output.default_duration))


def resolve_shape(
    spec: ModelSpec, params: Mapping[str, Any], first_frame_size: tuple[int, int] | None = None
) -> VideoShape:
    out = spec.output
    width, height = _size(spec, params, first_frame_size)
    frames = out.fixed_frames or round(nominal_seconds(spec, params) * out.fps)
    return VideoShape(width=width, height=height, fps=out.fps, frames=frames)


def _size(
    spec: ModelSpec, params: Mapping[str, Any], first_frame_size: tuple[int, int] | None
) -> tuple[int, int]:
    out = spec.output
    aspect = _requested_aspect(spec, params)
    if out.follows_image and first_frame_size is not None and aspect in (None, "auto"):
        if out.orientation_only:
            width, height = first_frame_size
            return out.sizes["9:16" if height > width else "16:9"]
        return fit_short_side(first_frame_size, out.short_side)

    if aspect is None or aspect not in out.sizes:
        aspect = out.default_aspect
    return out.sizes[aspect]


def _requested_aspect(spec: ModelSpec, params: Mapping[str, Any]) -> str | None:
    """The aspect the caller asked for; a deprecated aspect field (Kling i2v) is ignored."""
    if spec.aspect_param is None or spec.params[spec.aspect_param].deprecated:
        return None
    value = params.get(spec.aspect_param)
    return str(value) if value is not None else None


def fit_short_side(size: tuple[int, int], short_side: int) -> tuple[int, int]:
    """Scale (w, h) so the shorter side is ``short_side``; both sides even (H.264 4:2:0)."""
    width, height = size
    scale = short_side / min(width, height)
    return _even(width * scale), _even(height * scale)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)
