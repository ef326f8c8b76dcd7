"""Webhooks: a key's endpoint and secret, its delivery log, and the delivery loop.

Deliveries are signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256>``), sent only to vetted public addresses,
never follow redirects, and are retried on the schedule in ``domain/webhooks.py``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import time
from datetime import UTC, datetime

import orjson
from standardwebhooks import Webhook

from vidgate.domain.accounts import ApiKey
from vidgate.domain.errors import InvalidRequest
from vidgate.domain.webhooks import next_attempt_delay
from vidgate.net.fetch import PublicFetcher
from vidgate.store.protocol import Attempt, Delivery, WebhookStore

log = logging.getLogger("vidgate.webhooks")


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(24)).decode("ascii")


class Webhooks:
    def __init__(self, store: WebhookStore, fetcher: PublicFetcher) -> None:
        self._store = store
        self._fetcher = fetcher

    async def check_callback(self, url: str) -> None:
        await self._fetcher.check_target(url, field="callback_url")

    async def endpoint(self, key: ApiKey) -> tuple[str | None, str]:
        url, secret = await self._store.endpoint(key.id)
        return url, secret or await self._new_secret(key, url)

    async def set_endpoint(self, key: ApiKey, url: str) -> tuple[str, str]:
        await self._fetcher.check_target(url, field="url")
        _, secret = await self._store.endpoint(key.id)
        secret = secret or new_webhook_secret()
        await self._store.set_endpoint(key.id, url, secret)
        return url, secret

    async def clear_endpoint(self, key: ApiKey) -> None:
        await self._store.set_endpoint(key.id, None, None)

    async def deliveries(
        self, key: ApiKey, *, limit: int, job_id: str | None
    ) -> list[tuple[Delivery, list[Attempt]]]:
        return await self._store.deliveries(key.id, limit=limit, job_id=job_id)

    async def _new_secret(self, key: ApiKey, url: str | None) -> str:
        secret = new_webhook_secret()
        await self._store.set_endpoint(key.id, url, secret)
        return secret


class WebhookDeliverer:
    """Claims due deliveries (with a lease, so several processes can share the queue) and
    sends them; each attempt is logged, a 2xx ends the delivery once."""

    def __init__(
        self,
        store: WebhookStore,
        fetcher: PublicFetcher,
        owner: str,
        *,
        retry_scale: float = 1.0,
        interval: float = 1.0,
        batch: int = 20,
    ) -> None:
        self._store = store
        self._fetcher = fetcher
        self._owner = owner
        self._retry_scale = retry_scale
        self._interval = interval
        self._batch = batch
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.deliver_due()
            except Exception:  # a database blip must not stop deliveries; retry next tick
                log.exception("webhook delivery round failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)

    async def deliver_due(self) -> int:
        due = await self._store.claim_due(self._owner, self._batch, lease_seconds=60)
        await asyncio.gather(*(self._deliver(d) for d in due))
        return len(due)

    async def _deliver(self, delivery: Delivery) -> None:
        _, secret = await self._store.endpoint(delivery.key_id)
        if secret is None:
            secret = new_webhook_secret()
            await self._store.set_endpoint(delivery.key_id, None, secret)
        body = orjson.dumps(delivery.payload)
        started = time.time()
        status, error = await self._send(delivery, body, secret, started)
        delivered = status is not None and 200 <= status < 300
        attempt = Attempt(
            delivery.attempts + 1, started, status, error, int((time.time() - started) * 1000)
        )
        delay = None if delivered else next_attempt_delay(attempt.attempt, self._retry_scale)
        await self._store.record_attempt(
            delivery,
            self._owner,
            attempt,
            delivered=delivered,
            retry_at=None if delay is None else time.time() + delay,
        )

    async def _send(
        self, delivery: Delivery, body: bytes, secret: str, now: float
    ) -> tuple[int | None, str | None]:
        event_id = str(delivery.payload["id"])
        signature = Webhook(secret).sign(event_id, datetime.fromtimestamp(now, UTC), body.decode())
        headers = {
            "webhook-id": event_id,
            "webhook-timestamp": str(int(now)),
            "webhook-signature": signature,
        }
        try:
            status = await self._fetcher.post(delivery.url, body, headers)
        except InvalidRequest as exc:
            return None, exc.message
        return status, None if 200 <= status < 300 else f"HTTP {status}"
