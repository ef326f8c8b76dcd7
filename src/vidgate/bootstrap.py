"""The one place that builds concrete store, blobs, engines and services from Settings."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from vidgate.api.app import create_app
from vidgate.api.context import ApiContext
from vidgate.blobs.local import LocalBlobStore
from vidgate.blobs.protocol import BlobStore
from vidgate.collector import settle_after_startup
from vidgate.config import Settings, load_prices, load_routing
from vidgate.domain.catalogue import Catalogue
from vidgate.domain.errors import InvalidRequest
from vidgate.domain.jobs import Job
from vidgate.domain.routing import Deployment, RoutingTable
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.signing import UrlSigner
from vidgate.engines.alibaba import AlibabaEngine
from vidgate.engines.diffusers import DiffusersEngine
from vidgate.engines.google import GoogleEngine
from vidgate.engines.kling import KlingEngine
from vidgate.engines.minimax import MiniMaxEngine
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import Closable, Engine, Readiness
from vidgate.engines.remote import RemoteTaskEngine
from vidgate.engines.runway import RunwayEngine
from vidgate.engines.sandbox import SandboxEngine
from vidgate.engines.sandbox.requests import RenderCap
from vidgate.net.fetch import PublicFetcher
from vidgate.net.vendor_http import vendor_client
from vidgate.services.generations import Generations
from vidgate.services.inputs import InputImages
from vidgate.services.keys import IssuedKey, Keys
from vidgate.services.urls import FileUrls
from vidgate.services.watch import JobWatch
from vidgate.services.webhooks import WebhookDeliverer, Webhooks
from vidgate.store.migrate import migrate
from vidgate.store.sql import SqlStore, open_store
from vidgate.store.sql.connections import Connections, connect
from vidgate.store.sql.webhooks import SqlWebhookStore
from vidgate.worker.execution import FinishedHook, JobRunner
from vidgate.worker.outputs import OutputIngest
from vidgate.worker.runner import Worker, WorkerConfig, new_owner_id

log = logging.getLogger("vidgate")


@dataclass
class Runtime:
    settings: Settings
    connections: Connections
    store: SqlStore
    blobs: BlobStore
    catalogue: Catalogue
    routing: RoutingTable
    engines: dict[str, Engine]
    http: httpx.AsyncClient
    fetcher: PublicFetcher
    keys: Keys
    generations: Generations
    urls: FileUrls
    watch: JobWatch
    webhooks: Webhooks
    deliverer: WebhookDeliverer
    worker: Worker | None

    def api_context(self) -> ApiContext:
        return ApiContext(
            keys=self.keys,
            generations=self.generations,
            urls=self.urls,
            blobs=self.blobs,
            watch=self.watch,
            webhooks=self.webhooks,
            readiness_checks={"database": self.store.ping, "storage": self.blobs.ping},
        )


def readiness_check(
    routing: RoutingTable, engines: dict[str, Engine]
) -> Callable[[Deployment], Readiness]:
    def check(deployment: Deployment) -> Readiness:
        engine = engines.get(deployment.engine)
        if engine is None:
            return Readiness(False, f"engine {deployment.engine!r} is not available")
        return engine.readiness(deployment)

    return check


def build_engines(settings: Settings, http: httpx.AsyncClient) -> dict[str, Engine]:
    """One line per engine. ``poll_speedup`` shortens vendor poll waits (tests, benchmarks)."""

    def policy(engine: type[RemoteTaskEngine]) -> PollPolicy:
        return engine.default_policy.scaled(1 / settings.poll_speedup)

    engines: dict[str, Engine] = {
        "kling": KlingEngine(http, policy=policy(KlingEngine)),
        "minimax": MiniMaxEngine(http, policy=policy(MiniMaxEngine)),
        "runway": RunwayEngine(http, policy=policy(RunwayEngine)),
        "google": GoogleEngine(http, policy=policy(GoogleEngine)),
        "alibaba": AlibabaEngine(http, policy=policy(AlibabaEngine)),
        "sandbox": SandboxEngine(
            queue_seconds=settings.sandbox_queue_seconds,
            run_seconds=settings.sandbox_run_seconds,
            failure_rate=settings.sandbox_failure_rate,
            render_cap=RenderCap(settings.sandbox_max_side, settings.sandbox_max_frames),
        ),
        "diffusers": DiffusersEngine(
            device=settings.local_device,
            cpu_offload=settings.local_cpu_offload,
            vae_tiling=settings.local_vae_tiling,
            compile=settings.local_compile,
            offload_text_encoder=settings.local_offload_text_encoder,
        ),
    }
    return engines


def build_blobs(settings: Settings) -> BlobStore:
    if settings.blob_store == "local":
        return LocalBlobStore(settings.blobs_dir)
    if not settings.s3_bucket:
        raise InvalidRequest("VIDGATE_BLOB_STORE=s3 needs VIDGATE_S3_BUCKET")
    from vidgate.blobs.s3 import S3BlobStore  # imports boto3, so only when S3 is chosen

    return S3BlobStore(
        settings.s3_bucket,
        prefix=settings.s3_prefix,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        public_endpoint_url=settings.s3_public_endpoint_url,
    )


async def prepare_database(settings: Settings) -> list[IssuedKey]:
    """Migrate and create the first keys on an empty database."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    connections = connect(settings.resolved_database_url)
    try:
        await migrate(connections)
        if not settings.bootstrap_keys:
            return []
        return await Keys(SqlStore(connections)).bootstrap()
    finally:
        await connections.dispose()


async def open_runtime(settings: Settings, *, with_worker: bool) -> Runtime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    connections = connect(settings.resolved_database_url)
    store = open_store(connections)
    blobs = build_blobs(settings)
    catalogue = seed_catalogue()
    routing = load_routing(settings)
    http = vendor_client(settings.vendor_http_connections)
    fetcher = PublicFetcher(
        timeout=settings.image_fetch_timeout,
        max_bytes=settings.image_max_bytes,
        allowed_hosts=settings.allowed_fetch_hosts,
    )
    engines = build_engines(settings, http)
    watch = JobWatch(store)
    webhook_store = SqlWebhookStore(connections)
    webhooks = Webhooks(webhook_store, fetcher)
    deliverer = WebhookDeliverer(
        webhook_store, fetcher, new_owner_id(), retry_scale=settings.webhook_retry_scale
    )

    async def job_ended(job: Job) -> None:
        deliverer.wake()

    worker = (
        build_worker(
            settings,
            store,
            blobs,
            engines,
            catalogue,
            routing,
            http,
            on_change=watch.notify,
            on_finished=job_ended,
        )
        if with_worker
        else None
    )

    generations = Generations(
        store=store,
        blobs=blobs,
        catalogue=catalogue,
        routing=routing,
        readiness=readiness_check(routing, engines),
        inputs=InputImages(blobs, fetcher),
        prices=load_prices(settings),
        on_submitted=(lambda job: worker.wake()) if worker else (lambda job: None),
        on_cancel_requested=worker.cancel_soon if worker else (lambda job_id: None),
        check_callback=webhooks.check_callback,
    )

    secret = await _signing_secret(settings, store)
    return Runtime(
        settings=settings,
        connections=connections,
        store=store,
        blobs=blobs,
        catalogue=catalogue,
        routing=routing,
        engines=engines,
        http=http,
        fetcher=fetcher,
        keys=Keys(store, cache_seconds=settings.auth_cache_seconds),
        generations=generations,
        urls=FileUrls(
            UrlSigner(secret),
            public_url=settings.resolved_public_url,
            ttl_seconds=settings.url_ttl_seconds,
        ),
        watch=watch,
        webhooks=webhooks,
        deliverer=deliverer,
        worker=worker,
    )


def build_worker(
    settings: Settings,
    store: SqlStore,
    blobs: BlobStore,
    engines: dict[str, Engine],
    catalogue: Catalogue,
    routing: RoutingTable,
    http: httpx.AsyncClient,
    *,
    on_change: Callable[[str], None] = lambda job_id: None,
    on_finished: FinishedHook | None = None,
) -> Worker:

    workdir = settings.data_dir / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    owner = new_owner_id()
    runner = JobRunner(
        store=store,
        blobs=blobs,
        engines=engines,
        catalogue=catalogue,
        routing=routing,
        ingest=OutputIngest(
            blobs,
            http,
            max_bytes=settings.output_max_bytes,
            timeout=settings.output_download_timeout,
        ),
        owner=owner,
        job_timeout=settings.job_timeout_seconds,
        workdir_root=workdir,
        on_change=on_change,
        on_finished=on_finished,
    )

    return Worker(
        store=store,
        engines=engines,
        routing=routing,
        runner=runner,
        owner=owner,
        config=WorkerConfig(
            lease_seconds=settings.lease_seconds,
            max_attempts=settings.max_attempts,
            # On PostgreSQL, notifications wake the worker (start_background); it still
            # polls, slowly, for expired leases and anything a lost connection missed.
            claim_interval=(
                settings.claim_interval_seconds
                if settings.is_sqlite
                else settings.claim_fallback_seconds
            ),
            engines=settings.worker_engine_names,
            sandbox_slots=settings.worker_slots,
            job_timeout=settings.job_timeout_seconds,
        ),
    )


async def close_runtime(runtime: Runtime) -> None:
    for engine in runtime.engines.values():
        if isinstance(engine, Closable):
            await engine.close()
    await runtime.fetcher.aclose()
    await runtime.http.aclose()
    await runtime.connections.dispose()


def create_server_app(settings: Settings) -> FastAPI:
    """The app ``vidgate serve`` runs: the runtime opens with the app and closes with it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await open_runtime(settings, with_worker=settings.worker_enabled)
        app.state.vidgate = runtime.api_context()
        background = start_background(runtime)
        settle_after_startup()
        try:
            yield
        finally:
            if runtime.worker is not None:
                await runtime.worker.stop(grace=5.0)
            for task in background:
                task.cancel()
            await close_runtime(runtime)

    return create_app(
        None,
        max_request_bytes=settings.max_request_bytes,
        lifespan=lifespan,
        opentelemetry=settings.opentelemetry,
    )


def start_background(runtime: Runtime) -> list[asyncio.Task[None]]:
    """The worker's loops (claims, webhook deliveries) and, on PostgreSQL, the listener that
    wakes it when another process queues a job or asks for a cancel."""
    worker = runtime.worker
    if worker is None:
        return []
    loops = [worker.run(), runtime.deliverer.run()]
    if runtime.connections.dialect == "postgresql":
        from vidgate.store.sql.listener import JobEventListener  # asyncpg: PostgreSQL only

        listener = JobEventListener(
            runtime.settings.resolved_database_url,
            worker.on_job_event,
            on_connected=worker.wake,
        )
        loops.append(listener.run())
    return [asyncio.create_task(loop) for loop in loops]


async def _signing_secret(settings: Settings, store: SqlStore) -> bytes:
    if settings.signing_secret is not None:
        return settings.signing_secret.get_secret_value().encode()
    value = await store.get_or_set_instance_value("url_signing_secret", secrets.token_hex(32))
    return value.encode()
