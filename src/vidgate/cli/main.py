"""``vidgate``: serve, worker, keys, models, generate, migrate.

Only the invoked command's module is imported: ``vidgate generate`` is a client of a
server and does not load the server (FastAPI, SQLAlchemy, the engines) to start.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

# command name -> (module, attribute); a Typer app is a group of subcommands.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("vidgate.cli.server", "serve"),
    "migrate": ("vidgate.cli.server", "migrate_command"),
    "worker": ("vidgate.cli.worker", "worker"),
    "keys": ("vidgate.cli.keys", "app"),
    "models": ("vidgate.cli.models", "models"),
    "generate": ("vidgate.cli.generate", "generate"),
}


def build(only: str | None = None) -> typer.Typer:
    """The command line with every command, or with ``only`` that one."""
    cli = typer.Typer(
        name="vidgate",
        help="Self-hosted video-generation API: many video models behind one API.",
        no_args_is_help=True,
        add_completion=False,
    )
    # A group even when it holds one command: the command's name stays the first argument.
    cli.callback()(_group)
    for name, (module, attribute) in COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(import_module(module), attribute)
        if isinstance(target, typer.Typer):
            cli.add_typer(target, name=name)
        else:
            cli.command(name)(target)
    return cli


def _group() -> None:
    pass


def app() -> None:
    invoked = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    build(invoked if invoked in COMMANDS else None)()


if __name__ == "__main__":
    app()
