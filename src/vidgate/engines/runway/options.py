"""Per-deployment settings of the Runway engine, read from ``Deployment.base_url``/``options``.

Options:
    send_watermark  false (default) or true. The ``watermark`` field exists only in the
                    2024-11 request schema and was removed later, so by default it is never
                    sent (Runway's API output carries no watermark without it). Set true for
                    an account that still honours it; the caller's value is then forwarded
                    whenever given.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidgate.domain.routing import Deployment

DEFAULT_BASE_URL = "https://api.dev.runwayml.com"
KNOWN_OPTIONS = frozenset({"send_watermark"})


class InvalidOptions(ValueError):
    """A deployment's options cannot configure the Runway engine."""


@dataclass(frozen=True, slots=True)
class RunwayOptions:
    base_url: str
    send_watermark: bool = False

    @classmethod
    def of(cls, deployment: Deployment) -> RunwayOptions:
        options = deployment.options
        unknown = sorted(set(options) - KNOWN_OPTIONS)
        if unknown:
            known = ", ".join(sorted(KNOWN_OPTIONS))
            raise InvalidOptions(f"unknown runway option(s) {', '.join(unknown)}; known: {known}")
        send_watermark = options.get("send_watermark", False)
        if not isinstance(send_watermark, bool):
            raise InvalidOptions(
                f"runway option send_watermark must be true or false, got {send_watermark!r}"
            )
        return cls(
            base_url=(deployment.base_url or DEFAULT_BASE_URL).rstrip("/"),
            send_watermark=send_watermark,
        )
