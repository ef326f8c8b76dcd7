"""API keys: authentication (with a short cache) and administration."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from vidgate.domain.accounts import ApiKey, LedgerEntry
from vidgate.domain.errors import AuthenticationFailed, InvalidRequest, NotFound
from vidgate.domain.ids import display_prefix, hash_secret, new_key_id, new_secret
from vidgate.domain.jobs import KeyKind
from vidgate.store.protocol import NewKey, Store


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    secret: str


class Keys:
    """Looks keys up by the SHA-256 of their secret, caching hits for ``cache_seconds``.

    The cache makes a revoked key keep working on other processes for at most that long;
    on this process, revoking drops it from the cache at once.
    """

    def __init__(
        self,
        store: Store,
        *,
        cache_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._ttl = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[ApiKey, float]] = {}
        self._pending: dict[str, asyncio.Future[ApiKey | None]] = {}
        self._revocations = 0

    async def authenticate(self, authorization: str | None) -> ApiKey:
        secret = _bearer(authorization)
        digest = hash_secret(secret)
        key = await self._lookup(digest)
        if key is None:
            raise AuthenticationFailed("invalid API key")
        if not key.active:
            raise AuthenticationFailed("this API key was revoked")
        return key

    async def _lookup(self, digest: str) -> ApiKey | None:
        cached = self._cache.get(digest)
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        # When an entry expires under load, every request of that key misses at once; one
        # of them asks the store and the others wait for its answer.
        pending = self._pending.get(digest)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch(digest))
            self._pending[digest] = pending
            pending.add_done_callback(lambda _: self._pending.pop(digest, None))
        return await asyncio.shield(pending)

    async def _fetch(self, digest: str) -> ApiKey | None:
        revocations = self._revocations
        key = await self._store.find_key_by_hash(digest)
        # A key read before a revocation on this process finished is not cached.
        if key is not None and self._ttl > 0 and revocations == self._revocations:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (key, self._clock() + self._ttl)
        return key

    async def issue(
        self, *, name: str, credits: int, kind: KeyKind, admin: bool = False
    ) -> IssuedKey:
        if credits < 0:
            raise InvalidRequest("credits: must be 0 or more", field="credits")
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidRequest("name: 1 to 200 characters", field="name")
        secret = new_secret(kind)
        key = await self._store.create_key(
            NewKey(
                id=new_key_id(),
                name=name,
                secret_hash=hash_secret(secret),
                prefix=display_prefix(secret),
                kind=kind,
                is_admin=admin,
                credits=credits,
            )
        )
        return IssuedKey(key, secret)

    async def bootstrap(self) -> list[IssuedKey]:
        """On an empty database: one admin key and one sandbox key, shown once."""
        if await self._store.count_keys():
            return []
        return [
            await self.issue(name="admin", credits=0, kind=KeyKind.LIVE, admin=True),
            await self.issue(name="sandbox", credits=0, kind=KeyKind.SANDBOX),
        ]

    async def list_all(self) -> list[ApiKey]:
        return await self._store.list_keys()

    async def get(self, key_id: str) -> ApiKey:
        key = await self._store.get_key(key_id)
        if key is None:
            raise NotFound(f"no API key with id {key_id!r}")
        return key

    async def top_up(self, key_id: str, amount: int, note: str | None) -> ApiKey:
        if amount == 0:
            raise InvalidRequest("amount: must not be 0", field="amount")
        current = await self.get(key_id)
        if current.balance + amount < 0:
            raise InvalidRequest(
                f"amount: would take the balance below zero (balance {current.balance})",
                field="amount",
            )
        key = await self._store.add_credits(key_id, amount, note)
        if key is None:
            raise InvalidRequest("amount: would take the balance below zero", field="amount")
        return key

    async def revoke(self, key_id: str) -> ApiKey:
        key = await self._store.revoke_key(key_id)
        if key is None:
            raise NotFound(f"no API key with id {key_id!r}")
        self._cache = {d: entry for d, entry in self._cache.items() if entry[0].id != key_id}
        self._revocations += 1
        return key

    async def ledger(self, key_id: str, *, limit: int, before: int | None) -> list[LedgerEntry]:
        await self.get(key_id)
        return await self._store.ledger(key_id, limit=limit, before=before)


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthenticationFailed(
            "missing API key: send the header 'Authorization: Bearer <your vidgate key>'"
        )
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise AuthenticationFailed("the Authorization header must be 'Bearer <your vidgate key>'")
    return secret.strip()
