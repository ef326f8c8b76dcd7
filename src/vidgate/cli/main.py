"""``vidgate``: serve, worker, keys, models, generate, migrate."""

from __future__ import annotations

import typer

from vidgate.cli import generate, keys, models, server, worker

app = typer.Typer(
    name="vidgate",
    help="Self-hosted video-generation API: many video models behind one API.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("serve")(server.serve)
app.command("migrate")(server.migrate_command)
app.command("worker")(worker.worker)
app.add_typer(keys.app, name="keys")
app.command("models")(models.models)
app.command("generate")(generate.generate)

if __name__ == "__main__":
    app()
