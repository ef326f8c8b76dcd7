"""``vidgate worker``: claim and run jobs from the shared database, with no API.

Run as many as needed beside ``vidgate serve --no-worker`` processes, all on one PostgreSQL
database and one S3 bucket. On SIGTERM or SIGINT a worker stops claiming, gives the jobs it
runs ``--grace`` seconds to finish, stops the rest and hands them back to the queue (another
worker resumes them at once), then exits.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated

import typer
from rich.console import Console

from vidgate.bootstrap import Runtime, close_runtime, open_runtime, start_background
from vidgate.cli.health import HealthListener
from vidgate.collector import settle_after_startup
from vidgate.config import Settings
from vidgate.store.migrate import is_current, migrate
from vidgate.store.sql.connections import connect
from vidgate.worker.runner import Worker

log = logging.getLogger("vidgate.worker")
console = Console(highlight=False, stderr=True)


def worker(
    engines: Annotated[
        str | None,
        typer.Option(
            help="Run only jobs of these engines, comma-separated (local = the diffusers "
            "engine), e.g. 'local' on a GPU machine, 'kling,runway' elsewhere (default: all)"
        ),
    ] = None,
    health_port: Annotated[
        int | None,
        typer.Option(help="Serve /healthz and /readyz on this port (on VIDGATE_HOST)"),
    ] = None,
    grace: Annotated[
        float,
        typer.Option(help="On SIGTERM, seconds running jobs get to finish before hand-back"),
    ] = 30.0,
) -> None:
    """Run a worker process: no API, just jobs (scale out beside `serve --no-worker`)."""
    overrides: dict[str, object] = {"worker_enabled": True}
    if engines is not None:
        overrides["worker_engines"] = engines
    if health_port is not None:
        overrides["health_port"] = health_port
    settings = Settings(**overrides)  # type: ignore[arg-type]
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if not asyncio.run(_schema_ready(settings)):
        console.print("[red]the database schema is not current: run `vidgate migrate` first[/red]")
        raise typer.Exit(2)
    raise typer.Exit(asyncio.run(run_worker(settings, grace=grace)))


async def run_worker(settings: Settings, *, grace: float) -> int:
    """Run until a signal (exit code 0) or until a loop of the worker fails (1)."""
    try:
        health = _bind_health(settings)
    except OSError as exc:
        where = f"{settings.host}:{settings.health_port}"
        console.print(f"[red]cannot serve health checks on {where}: {exc.strerror}[/red]")
        return 2
    runtime = await open_runtime(settings, with_worker=True)
    settle_after_startup()
    try:
        assert runtime.worker is not None
        unknown = (settings.worker_engine_names or frozenset()) - runtime.engines.keys()
        if unknown:
            known = ", ".join(sorted(runtime.engines))
            console.print(f"[red]unknown engines {sorted(unknown)}; known: {known}[/red]")
            return 2
        return await _run_until_stopped(runtime, runtime.worker, health, grace)
    finally:
        if health is not None:
            await health.stop()
        await close_runtime(runtime)


async def _run_until_stopped(
    runtime: Runtime, worker: Worker, health: HealthListener | None, grace: float
) -> int:
    stop = _stop_on_signals()
    tasks = start_background(runtime)
    if health is not None:
        tasks.append(health.start(runtime.api_context()))
    _announce(runtime, worker)
    stopped = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopped, *tasks], return_when=asyncio.FIRST_COMPLETED)
    failed = [task for task in done if task is not stopped]
    for task in failed:
        log.error("a worker loop ended (%r); stopping", task.exception())
    await worker.stop(grace=grace)
    if health is not None:
        await health.stop()  # answers until the jobs are handed back
    for task in [stopped, *tasks]:
        task.cancel()
    await asyncio.gather(stopped, *tasks, return_exceptions=True)
    return 1 if failed else 0


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


def _bind_health(settings: Settings) -> HealthListener | None:
    if settings.health_port is None:
        return None
    return HealthListener.bind(settings.host, settings.health_port)


async def _schema_ready(settings: Settings) -> bool:
    """On SQLite a worker migrates like ``serve`` does; on PostgreSQL ``vidgate migrate`` must
    have run (once, before the fleet starts)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    connections = connect(settings.resolved_database_url)
    try:
        if settings.is_sqlite:
            await migrate(connections)
            return True
        return await is_current(connections)
    finally:
        await connections.dispose()


def _announce(runtime: Runtime, worker: Worker) -> None:
    served = [d.name for d in runtime.routing.all_deployments() if worker.serves(d)]
    health = runtime.settings.health_port
    console.print(
        f"vidgate worker {worker.owner}: deployments {', '.join(served) or 'none'}"
        + (f"; health on http://{runtime.settings.host}:{health}/readyz" if health else "")
    )
    if not served:
        log.warning("this worker serves no deployment: check --engines and the routing file")
