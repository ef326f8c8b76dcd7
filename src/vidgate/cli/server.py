"""``vidgate serve`` and ``vidgate migrate``."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
import uvicorn

from vidgate.bootstrap import create_server_app, prepare_database
from vidgate.config import Settings
from vidgate.services.keys import IssuedKey
from vidgate.store.migrate import is_current
from vidgate.store.sql.connections import connect

# Plain typer output: serve prints a few lines, and rich would cost the server 1.4 MB.


def serve(
    host: Annotated[str | None, typer.Option(help="Listen address [default: 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port [default: 8000]")] = None,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="Run the API alone")] = False,
) -> None:
    """Start the API (and, unless --no-worker, the in-process worker)."""
    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if no_worker:
        overrides["worker_enabled"] = False
    settings = Settings(**overrides)  # type: ignore[arg-type]
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    issued = asyncio.run(_prepare(settings))
    _announce(settings, issued)
    uvicorn.run(
        create_server_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=settings.log_level.lower() == "debug",
    )


def migrate_command() -> None:
    """Bring the database schema to the newest version (safe to run from many processes)."""
    settings = Settings()
    issued = asyncio.run(prepare_database(settings))
    typer.secho("database schema is current", fg="green")
    _print_keys(issued)


async def _prepare(settings: Settings) -> list[IssuedKey]:
    if settings.is_sqlite:
        return await prepare_database(settings)
    connections = connect(settings.resolved_database_url)
    try:
        current = await is_current(connections)
    finally:
        await connections.dispose()
    if not current:
        typer.secho(
            "the database schema is not current: run `vidgate migrate` first", fg="red", err=True
        )
        raise typer.Exit(2)
    return []


def _announce(settings: Settings, issued: list[IssuedKey]) -> None:
    base = settings.resolved_public_url
    address = typer.style(f"http://{settings.host}:{settings.port}", bold=True)
    typer.echo(f"vidgate on {address} (public URL {base}, data in {settings.data_dir.resolve()})")
    _print_keys(issued, base)


def _print_keys(issued: list[IssuedKey], base: str = "http://127.0.0.1:8000") -> None:
    if not issued:
        return
    typer.secho(
        "\nFirst start: two API keys were created. They are shown only now; keep them.", bold=True
    )
    sandbox = ""
    for item in issued:
        role = "admin key  " if item.key.is_admin else "sandbox key"
        typer.echo(f"  {role} {item.secret}")
        if item.key.is_sandbox:
            sandbox = item.secret
    typer.echo("\nTry it (the sandbox key runs every model for free on the sandbox engine):")
    typer.echo(
        f"  curl -s {base}/v2/generate/video/minimax/generation "
        f"-H 'Authorization: Bearer {sandbox}' -H 'Content-Type: application/json' "
        '-d \'{"model": "video-01", "prompt": "Cheetah turns toward the camera."}\'\n'
    )
