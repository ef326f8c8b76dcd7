"""Generations as callers see them: submit, get, list, cancel, delete."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from vidgate.blobs.protocol import BlobStore
from vidgate.domain.accounts import ApiKey
from vidgate.domain.catalogue import Catalogue, ModelSpec, PriceRule
from vidgate.domain.errors import EngineUnavailable, InvalidState, NotFound
from vidgate.domain.ids import new_job_id, random_seed
from vidgate.domain.jobs import Job, JobStatus
from vidgate.domain.pricing import price_of
from vidgate.domain.routing import SANDBOX, Deployment, RoutingTable
from vidgate.domain.shapes import resolve_shape
from vidgate.engines.protocol import Readiness
from vidgate.services.inputs import InputImages
from vidgate.store.protocol import IdempotentCreate, Store

ReadinessCheck = Callable[[Deployment], Readiness]


@dataclass(frozen=True, slots=True)
class SubmitOptions:
    idempotency: IdempotentCreate | None = None
    callback_url: str | None = None
    remixed_from: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    jobs: list[Job]
    has_more: bool


class Generations:
    def __init__(
        self,
        *,
        store: Store,
        blobs: BlobStore,
        catalogue: Catalogue,
        routing: RoutingTable,
        readiness: ReadinessCheck,
        inputs: InputImages,
        prices: Mapping[str, PriceRule] | None = None,
        on_submitted: Callable[[Job], None] = lambda job: None,
        on_cancel_requested: Callable[[str], None] = lambda job_id: None,
        check_callback: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._check_callback = check_callback

        self._store = store
        self._blobs = blobs
        self.catalogue = catalogue
        self.routing = routing
        self._readiness = readiness
        self._inputs = inputs
        self._prices = dict(prices or {})
        self._on_submitted = on_submitted
        self._on_cancel_requested = on_cancel_requested

    def price_rule(self, spec: ModelSpec) -> PriceRule:
        return self._prices.get(spec.id, spec.price)

    def deployment_for(self, key: ApiKey, spec: ModelSpec) -> Deployment:
        """Sandbox keys always get the sandbox; live keys the first ready deployment."""
        if key.is_sandbox:
            return SANDBOX
        deployments = self.routing.deployments_for(spec.id)
        if not deployments:
            raise EngineUnavailable(
                f"model {spec.id!r} has no engine configured on this server; ask the operator "
                "to route it in the routing file, or use a sandbox key"
            )
        reasons = []
        for deployment in deployments:
            readiness = self._readiness(deployment)
            if readiness.ready:
                return deployment
            reasons.append(f"{deployment.name}: {readiness.reason}")
        raise EngineUnavailable(
            f"model {spec.id!r} has no engine ready on this server ({'; '.join(reasons)})"
        )

    async def submit(
        self,
        key: ApiKey,
        spec: ModelSpec,
        params: Mapping[str, Any],
        options: SubmitOptions | None = None,
    ) -> Job:
        options = options or SubmitOptions()
        deployment = self.deployment_for(key, spec)
        if options.callback_url is not None and self._check_callback is not None:
            await self._check_callback(options.callback_url)

        job_id = new_job_id()
        images = await self._inputs.ingest(spec, params, job_id)
        now = time.time()
        job = Job(
            id=job_id,
            key_id=key.id,
            model=spec.id,
            engine=deployment.engine,
            deployment=deployment.name,
            status=JobStatus.QUEUED,
            progress=0,
            params=images.params,
            inputs=images.stored,
            shape=resolve_shape(spec, params, images.first_frame_size),
            seed=self._seed(params),
            price=0 if key.is_sandbox else price_of(spec, params, self.price_rule(spec)),
            created_at=now,
            updated_at=now,
            callback_url=options.callback_url,
            remixed_from=options.remixed_from,
        )
        try:
            stored = await self._store.create_job(job, options.idempotency)
        except BaseException:
            if images.stored:
                await self._blobs.delete_prefix(f"inputs/{job_id}/")
            raise
        if stored.id != job.id and images.stored:
            await self._blobs.delete_prefix(f"inputs/{job_id}/")
        self._on_submitted(stored)
        return stored

    def _seed(self, params: Mapping[str, Any]) -> int:
        seed = params.get("seed")
        return int(seed) if seed is not None else random_seed()

    async def get(self, key: ApiKey, job_id: str) -> Job:
        job = await self._store.get_job(job_id, key.id)
        if job is None:
            raise NotFound(f"no generation with id {job_id!r} for this API key")
        return job

    async def list(
        self, key: ApiKey, *, after: str | None, limit: int, order: Literal["asc", "desc"]
    ) -> Page:
        jobs = await self._store.list_jobs(key.id, after=after, limit=limit + 1, order=order)
        return Page(jobs[:limit], has_more=len(jobs) > limit)

    async def cancel(self, key: ApiKey, job_id: str) -> Job:
        """A job no worker holds ends at once with a refund; a running one is asked to stop."""
        job = await self.get(key, job_id)
        if job.status.is_terminal:
            raise InvalidState(
                f"generation {job_id!r} already ended ({job.status.value}); nothing to cancel"
            )
        cancelled = await self._store.cancel_queued(job_id, key.id)
        if cancelled is not None:
            return cancelled
        requested = await self._store.request_cancel(job_id, key.id)
        if requested is None:
            return await self.get(key, job_id)
        self._on_cancel_requested(job_id)
        return requested

    async def remix_frame(self, key: ApiKey, job_id: str, workdir: Path) -> str:
        """The last frame of a completed generation, as a data URI for an image input."""
        job = await self.get(key, job_id)
        if job.result is None:
            raise InvalidState(
                f"generation {job_id!r} is {job.status.value}; only a completed video can be "
                "remixed"
            )
        local = workdir / "source.mp4"
        with local.open("wb") as handle:
            async for chunk in self._blobs.open_stream(job.result.blob_key):
                handle.write(chunk)
        from vidgate.media.frames import last_frame_png  # PyAV, loaded by the first remix

        png = await asyncio.to_thread(last_frame_png, local)
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    async def delete(self, key: ApiKey, job_id: str) -> Job:

        job = await self.get(key, job_id)
        if not job.status.is_terminal:
            raise InvalidState(
                f"generation {job_id!r} is still {job.status.value}; cancel it before deleting"
            )
        deleted = await self._store.delete_job(job_id, key.id)
        if deleted is None:
            raise NotFound(f"no generation with id {job_id!r} for this API key")
        await self._blobs.delete_prefix(f"outputs/{job_id}/")
        await self._blobs.delete_prefix(f"inputs/{job_id}/")
        return deleted
