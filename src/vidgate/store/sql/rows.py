"""Rows to domain records and back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import Row

from vidgate.domain.accounts import ApiKey, LedgerEntry, LedgerKind
from vidgate.domain.jobs import (
    Job,
    JobError,
    JobStatus,
    KeyKind,
    StoredImage,
    VideoResult,
    VideoShape,
)


def key_from_row(row: Row[Any]) -> ApiKey:
    return key_from_mapping(row._mapping)


def key_from_mapping(m: Mapping[Any, Any]) -> ApiKey:
    return ApiKey(
        id=m["id"],
        name=m["name"],
        prefix=m["prefix"],
        kind=KeyKind(m["kind"]),
        is_admin=bool(m["is_admin"]),
        balance=int(m["balance"]),
        created_at=m["created_at"],
        revoked_at=m["revoked_at"],
        webhook_url=m["webhook_url"],
    )


def ledger_from_row(row: Row[Any]) -> LedgerEntry:
    m = row._mapping
    return LedgerEntry(
        id=int(m["id"]),
        key_id=m["key_id"],
        kind=LedgerKind(m["kind"]),
        amount=int(m["amount"]),
        balance_after=int(m["balance_after"]),
        created_at=m["created_at"],
        job_id=m["job_id"],
        note=m["note"],
    )


def job_from_row(row: Row[Any]) -> Job:
    return job_from_mapping(row._mapping)


def job_from_mapping(m: Mapping[Any, Any]) -> Job:
    """A job from its columns by name, JSON columns already decoded."""
    error = JobError(m["error_name"], m["error_message"] or "") if m["error_name"] else None
    return Job(
        id=m["id"],
        key_id=m["key_id"],
        model=m["model"],
        engine=m["engine"],
        deployment=m["deployment"],
        status=JobStatus(m["status"]),
        progress=int(m["progress"]),
        params=m["params"],
        shape=VideoShape(**m["shape"]),
        seed=m["seed"],
        price=int(m["price"]),
        refunded=bool(m["refunded"]),
        error=error,
        result=VideoResult(**m["result"]) if m["result"] else None,
        upstream=m["upstream"],
        upstream_status=m["upstream_status"],
        attempts=int(m["attempts"]),
        cancel_requested=bool(m["cancel_requested"]),
        callback_url=m["callback_url"],
        remixed_from=m["remixed_from"],
        inputs=tuple(StoredImage(**i) for i in m["inputs"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
    )


def job_values(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "key_id": job.key_id,
        "model": job.model,
        "engine": job.engine,
        "deployment": job.deployment,
        "status": job.status.value,
        "progress": job.progress,
        "params": job.params,
        "inputs": [asdict(i) for i in job.inputs],
        "shape": {
            "width": job.shape.width,
            "height": job.shape.height,
            "fps": job.shape.fps,
            "frames": job.shape.frames,
        },
        "seed": job.seed,
        "price": job.price,
        "refunded": False,
        "attempts": 0,
        "cancel_requested": False,
        "deleted": False,
        "callback_url": job.callback_url,
        "remixed_from": job.remixed_from,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }


def result_values(result: VideoResult) -> dict[str, Any]:
    return {
        "blob_key": result.blob_key,
        "bytes": result.bytes,
        "sha256": result.sha256,
        "width": result.width,
        "height": result.height,
        "fps": result.fps,
        "frames": result.frames,
        "duration": result.duration,
        "previews": dict(result.previews),
    }
