"""Small builders for domain records used across tests."""

from __future__ import annotations

import time

from vidgate.domain.ids import hash_secret, new_job_id, new_key_id
from vidgate.domain.jobs import Job, JobStatus, KeyKind, VideoShape
from vidgate.store.protocol import NewKey


def new_key(*, credits: int = 1000, kind: KeyKind = KeyKind.LIVE, admin: bool = False) -> NewKey:
    key_id = new_key_id()
    return NewKey(
        id=key_id,
        name=f"test {key_id}",
        secret_hash=hash_secret(key_id),
        prefix=key_id[:12],
        kind=kind,
        is_admin=admin,
        credits=credits,
    )


def new_job(
    key_id: str,
    *,
    price: int = 100,
    deployment: str = "sandbox",
    engine: str = "sandbox",
    model: str = "video-01",
    created_at: float | None = None,
    prompt: str = "a test",
) -> Job:
    now = created_at if created_at is not None else time.time()
    return Job(
        id=new_job_id(),
        key_id=key_id,
        model=model,
        engine=engine,
        deployment=deployment,
        status=JobStatus.QUEUED,
        progress=0,
        params={"prompt": prompt},
        shape=VideoShape(width=64, height=64, fps=8, frames=8),
        price=price,
        created_at=now,
        updated_at=now,
        seed=7,
    )
