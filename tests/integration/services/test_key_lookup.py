"""Authenticating API keys against the real store: the cache, and what expiry costs."""

from __future__ import annotations

import asyncio

import pytest

from vidgate.domain.accounts import ApiKey
from vidgate.domain.errors import AuthenticationFailed
from vidgate.domain.jobs import KeyKind
from vidgate.services.keys import Keys
from vidgate.store.sql import SqlStore


class CountingStore:
    """The real store, counting the key lookups that reach it."""

    def __init__(self, store: SqlStore) -> None:
        self._store = store
        self.lookups = 0

    async def find_key_by_hash(self, secret_hash: str) -> ApiKey | None:
        self.lookups += 1
        return await self._store.find_key_by_hash(secret_hash)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_requests_of_one_key_that_miss_the_cache_together_share_one_lookup(
    store: SqlStore,
) -> None:
    counting = CountingStore(store)
    clock = Clock()
    keys = Keys(counting, cache_seconds=5, clock=clock)  # type: ignore[arg-type]
    issued = await keys.issue(name="app", credits=0, kind=KeyKind.SANDBOX)
    header = f"Bearer {issued.secret}"

    first = await asyncio.gather(*(keys.authenticate(header) for _ in range(50)))
    clock.now = 6.0  # the cached entry expired
    second = await asyncio.gather(*(keys.authenticate(header) for _ in range(50)))

    assert {k.id for k in first + second} == {issued.key.id}
    assert counting.lookups == 2


async def test_a_revoked_key_is_refused_at_once_on_this_process(store: SqlStore) -> None:
    keys = Keys(store, cache_seconds=60)
    issued = await keys.issue(name="app", credits=0, kind=KeyKind.SANDBOX)
    header = f"Bearer {issued.secret}"
    await keys.authenticate(header)

    await keys.revoke(issued.key.id)

    with pytest.raises(AuthenticationFailed, match="revoked"):
        await keys.authenticate(header)


async def test_an_unknown_key_is_refused_and_not_remembered(store: SqlStore) -> None:
    counting = CountingStore(store)
    keys = Keys(counting, cache_seconds=60)  # type: ignore[arg-type]

    for _ in range(2):
        with pytest.raises(AuthenticationFailed, match="invalid API key"):
            await keys.authenticate("Bearer vg_sk_nothing")

    assert counting.lookups == 2
