"""Named failure scenarios, as the fakes share them: an injection answers one stage (a create,
a poll...) with an error, ``times`` times (None: every time), counted per scenario."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from typing import Protocol, TypeVar


class Staged(Protocol):
    @property
    def on(self) -> str: ...

    @property
    def times(self) -> int | None: ...


InjectionT = TypeVar("InjectionT", bound=Staged)


def take_injection(
    injections: Mapping[str, InjectionT], scenario: str, stage: str, fired: Counter[str]
) -> InjectionT | None:
    """The scenario's injection for ``stage`` while it has uses left; each use is counted."""
    injection = injections.get(scenario)
    if injection is None or injection.on != stage:
        return None
    if injection.times is not None and fired[scenario] >= injection.times:
        return None
    fired[scenario] += 1
    return injection


def check_scenario(vendor: str, name: object, known: Collection[str]) -> None:
    if name not in known:
        raise ValueError(f"unknown {vendor} scenario {name!r}; known: {sorted(known)}")
