"""``vidgate models``: the catalogue and where each model runs."""

from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

from vidgate.bootstrap import build_engines, readiness_check
from vidgate.config import Settings, load_prices, load_routing
from vidgate.domain.pricing import price_of
from vidgate.domain.seed_catalogue import seed_catalogue

console = Console(highlight=False)


def models() -> None:
    """List every model: kind, endpoint, price, and the deployment that serves live keys."""
    settings = Settings()
    routing = load_routing(settings)
    prices = load_prices(settings)
    engines = build_engines(settings, httpx.AsyncClient())
    ready = readiness_check(routing, engines)
    table = Table("model", "developer", "kind", "endpoint", "price", "live keys served by")
    for spec in seed_catalogue():
        deployments = routing.deployments_for(spec.id)
        served = (
            ", ".join(
                f"{d.name} ({d.engine}: {'ready' if ready(d).ready else ready(d).reason})"
                for d in deployments
            )
            or "[yellow]nothing configured (503); sandbox keys use the sandbox[/yellow]"
        )
        price = price_of(spec, {}, prices.get(spec.id, spec.price))
        table.add_row(
            spec.id, spec.developer, "/".join(spec.kinds), spec.create_path, str(price), served
        )
    console.print(table)
