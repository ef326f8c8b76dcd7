"""The catalogue as a Markdown table (docs/catalogue.md is checked against it in the tests)."""

from __future__ import annotations

from vidgate.domain.catalogue import Catalogue, ModelSpec
from vidgate.domain.pricing import price_of


def markdown_table(catalogue: Catalogue) -> str:
    lines = [
        "| model | vendor path | kind | sizes (aspect → WxH) | fps | seconds | frames "
        "| price (credits) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(spec) for spec in catalogue]
    return "\n".join(lines) + "\n"


def _row(spec: ModelSpec) -> str:
    out = spec.output
    sizes = ", ".join(f"{aspect} → {w}x{h}" for aspect, (w, h) in out.sizes.items())
    if out.follows_image and out.orientation_only:
        sizes += "; with an image: its orientation"
    elif out.follows_image:
        sizes += f"; with an image: its aspect, short side {out.short_side}"

    seconds = "/".join(_num(d) for d in out.durations)
    frames = str(out.fixed_frames) if out.fixed_frames else "seconds x fps"
    price = spec.price
    rule = " + ".join(
        part
        for part in (
            f"{price.per_video} per video" if price.per_video else "",
            f"{price.per_second} per second" if price.per_second else "",
        )
        if part
    )
    return (
        f"| `{spec.id}` | {spec.vendor} | {'/'.join(spec.kinds)} | {sizes} | {_num(out.fps)} "
        f"| {seconds} | {frames} | {rule} (default request: {price_of(spec, {})}) |"
    )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
