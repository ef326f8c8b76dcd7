"""Per-deployment settings of the Kling engine, read from ``Deployment.base_url``/``options``.

Options:
    region                  "global" (default, api-singapore.klingai.com) or "china"
                            (api-beijing.klingai.com); ``base_url``, when set, wins.
                            Keys of one region do not work on the other.
    recover_by_external_id  false (default) or true. When vidgate lost track of a create call
                            (a crash while submitting, a connection cut after sending, or
                            Kling refusing a retry as a duplicate ``external_task_id``), look
                            the task up by its external id and follow it instead of failing
                            the job as ``UpstreamLost``. Off by default: the docs say the query
                            path takes either id, but that form is not confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vidgate.domain.routing import Deployment

REGION_BASE_URLS = {
    "global": "https://api-singapore.klingai.com",
    "china": "https://api-beijing.klingai.com",
}
KNOWN_OPTIONS = frozenset({"region", "recover_by_external_id"})


class InvalidOptions(ValueError):
    """A deployment's options cannot configure the Kling engine."""


@dataclass(frozen=True, slots=True)
class KlingOptions:
    base_url: str
    recover_by_external_id: bool = False

    @classmethod
    def of(cls, deployment: Deployment) -> KlingOptions:
        options = deployment.options
        unknown = sorted(set(options) - KNOWN_OPTIONS)
        if unknown:
            known = ", ".join(sorted(KNOWN_OPTIONS))
            raise InvalidOptions(f"unknown kling option(s) {', '.join(unknown)}; known: {known}")
        region_url = _region_url(options)
        return cls(
            base_url=(deployment.base_url or region_url).rstrip("/"),
            recover_by_external_id=_switch(options, "recover_by_external_id"),
        )


def _region_url(options: Mapping[str, object]) -> str:
    region = options.get("region", "global")
    if not isinstance(region, str) or region not in REGION_BASE_URLS:
        raise InvalidOptions(f"kling option region must be 'global' or 'china', got {region!r}")
    return REGION_BASE_URLS[region]


def _switch(options: Mapping[str, object], name: str) -> bool:
    value = options.get(name, False)
    if not isinstance(value, bool):
        raise InvalidOptions(f"kling option {name} must be true or false, got {value!r}")
    return value
