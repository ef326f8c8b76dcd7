"""Where each model runs: ordered deployments per public model id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Deployment:
    """One place a model can run: an engine, its credentials and vendor-side names.

    ``vendor_models`` maps a public model id to the vendor's name for it, where the engine's
    own default is not wanted. ``credentials`` holds resolved secrets (never logged).
    """

    name: str
    engine: str
    base_url: str | None = None
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
    vendor_models: Mapping[str, str] = field(default_factory=dict)
    max_concurrency: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def vendor_model_for(self, model_id: str) -> str | None:
        return self.vendor_models.get(model_id)


SANDBOX = Deployment(name="sandbox", engine="sandbox")


class RoutingTable:
    """Model id → ordered deployments. ``"*"`` routes every model without its own entry."""

    def __init__(
        self,
        routes: Mapping[str, Sequence[Deployment]] | None = None,
        deployments: Iterable[Deployment] = (),
    ) -> None:
        self._routes = {model: tuple(deps) for model, deps in (routes or {}).items()}
        self._by_name: dict[str, Deployment] = {SANDBOX.name: SANDBOX}
        for dep in deployments:
            self._by_name[dep.name] = dep
        for deps in self._routes.values():
            for dep in deps:
                self._by_name[dep.name] = dep

    def deployments_for(self, model_id: str) -> tuple[Deployment, ...]:
        return self._routes.get(model_id) or self._routes.get("*", ())

    def deployment(self, name: str) -> Deployment | None:
        return self._by_name.get(name)

    def all_deployments(self) -> list[Deployment]:
        return list(self._by_name.values())

    def next_after(self, model_id: str, name: str) -> Deployment | None:
        """The deployment after ``name`` in the model's route (for failover)."""
        deps = self.deployments_for(model_id)
        names = [d.name for d in deps]
        if name not in names:
            return None
        index = names.index(name) + 1
        return deps[index] if index < len(deps) else None
