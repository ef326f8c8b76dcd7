"""The image rules of the catalogue applied to what was read from an image."""

from __future__ import annotations

from dataclasses import dataclass

from vidgate.domain.catalogue import ImageRule
from vidgate.domain.errors import InvalidImage


@dataclass(frozen=True, slots=True)
class ImageFacts:
    format: str
    width: int
    height: int
    bytes: int
    data_uri_chars: int | None = None


def check_image(rule: ImageRule, facts: ImageFacts, field: str) -> None:
    """Raise InvalidImage naming ``field`` and the broken rule."""
    for problem in _problems(rule, facts):
        raise InvalidImage(f"{field}: {problem}", field=field)


def _problems(rule: ImageRule, f: ImageFacts) -> list[str]:
    problems: list[str] = []
    if f.format not in rule.formats:
        problems.append(
            f"image format {f.format} is not accepted; use {', '.join(sorted(rule.formats))}"
        )
    if f.bytes > rule.max_bytes:
        problems.append(f"image is {f.bytes} bytes; at most {rule.max_bytes} allowed")
    if rule.max_data_uri_chars is not None and (f.data_uri_chars or 0) >= rule.max_data_uri_chars:
        problems.append(
            f"data URI is {f.data_uri_chars} characters; it must be under "
            f"{rule.max_data_uri_chars} (use an https URL for larger images)"
        )
    short, long = sorted((f.width, f.height))
    if rule.min_side is not None and short < rule.min_side:
        problems.append(
            f"image is {f.width}x{f.height}; each side must be at least {rule.min_side} px"
        )
    if rule.max_side is not None and long > rule.max_side:
        problems.append(
            f"image is {f.width}x{f.height}; each side must be at most {rule.max_side} px"
        )
    aspect = f.width / f.height
    if not _aspect_ok(rule, aspect):
        problems.append(
            f"image aspect ratio {aspect:.3f} (width/height) must be between "
            f"{rule.min_aspect:.3f} and {rule.max_aspect:.3f}"
            + ("" if rule.aspect_inclusive else " (exclusive)")
        )
    return problems


def _aspect_ok(rule: ImageRule, aspect: float) -> bool:
    low, high = rule.min_aspect, rule.max_aspect
    if rule.aspect_inclusive:
        return (low is None or aspect >= low - 1e-9) and (high is None or aspect <= high + 1e-9)
    return (low is None or aspect > low) and (high is None or aspect < high)
