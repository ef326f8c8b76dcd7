"""``vidgate keys …``: manage API keys directly in the database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from vidgate.config import Settings
from vidgate.domain.accounts import ApiKey
from vidgate.domain.errors import VidgateError
from vidgate.domain.jobs import KeyKind
from vidgate.services.keys import Keys
from vidgate.store.migrate import migrate
from vidgate.store.sql import SqlStore
from vidgate.store.sql.connections import connect

app = typer.Typer(help="Create, list, top up and revoke API keys.", no_args_is_help=True)
console = Console(highlight=False)
T = TypeVar("T")


def _run(action: Callable[[Keys], Awaitable[T]]) -> T:
    async def main() -> T:
        settings = Settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        connections = connect(settings.resolved_database_url)
        try:
            if settings.is_sqlite:
                await migrate(connections)
            return await action(Keys(SqlStore(connections), cache_seconds=0))
        finally:
            await connections.dispose()

    try:
        return asyncio.run(main())
    except VidgateError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None


@app.command("create")
def create(
    name: Annotated[str, typer.Option(help="A name to recognise the key by")],
    credits: Annotated[int, typer.Option(help="Initial credits")] = 0,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Sandbox key: free, sandbox engine")
    ] = False,
    admin: Annotated[bool, typer.Option("--admin", help="May use the admin routes")] = False,
) -> None:
    """Create a key; its secret is printed alone on the last line (shown only once)."""
    kind = KeyKind.SANDBOX if sandbox else KeyKind.LIVE
    issued = _run(lambda keys: keys.issue(name=name, credits=credits, kind=kind, admin=admin))
    console.print(
        f"created {issued.key.kind.value} key {issued.key.id} ({issued.key.name}), "
        f"balance {issued.key.balance}"
    )
    print(issued.secret)


@app.command("list")
def list_keys() -> None:
    """List keys (never their secrets)."""
    keys = _run(lambda k: k.list_all())
    table = Table("id", "name", "prefix", "kind", "admin", "balance", "created", "revoked")
    for key in keys:
        table.add_row(
            key.id,
            key.name,
            key.prefix + "…",
            key.kind.value,
            "yes" if key.is_admin else "",
            str(key.balance),
            _when(key.created_at),
            _when(key.revoked_at) if key.revoked_at else "",
        )
    console.print(table)


@app.command("top-up")
def top_up(
    key_id: str,
    amount: Annotated[int, typer.Argument(help="Credits to add (negative to take away)")],
    note: Annotated[str | None, typer.Option(help="Why, for the ledger")] = None,
) -> None:
    """Add credits to a key."""
    key = _run(lambda k: k.top_up(key_id, amount, note))
    _show(key)


@app.command("revoke")
def revoke(key_id: str) -> None:
    """Revoke a key: it stops working (within the auth cache time on other processes)."""
    _show(_run(lambda k: k.revoke(key_id)))


def _show(key: ApiKey) -> None:
    state = "revoked" if key.revoked_at else "active"
    console.print(f"{key.id} ({key.name}): {state}, balance {key.balance}")


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M")
