"""Wire models of the admin routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vidgate.domain.accounts import ApiKey, LedgerEntry


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    credits: int = Field(default=0, ge=0)
    kind: Literal["live", "sandbox"] = "live"
    admin: bool = False


class CreditsAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: int
    note: str | None = Field(default=None, max_length=500)


class KeyPublic(BaseModel):
    id: str
    name: str
    prefix: str
    kind: str
    admin: bool
    balance: int
    created_at: float
    revoked_at: float | None

    @classmethod
    def of(cls, key: ApiKey) -> KeyPublic:
        return cls(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            kind=key.kind.value,
            admin=key.is_admin,
            balance=key.balance,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )


class KeyCreated(KeyPublic):
    secret: str


class LedgerPublic(BaseModel):
    id: int
    kind: str
    amount: int
    balance_after: int
    job_id: str | None
    note: str | None
    created_at: float

    @classmethod
    def of(cls, entry: LedgerEntry) -> LedgerPublic:
        return cls(
            id=entry.id,
            kind=entry.kind.value,
            amount=entry.amount,
            balance_after=entry.balance_after,
            job_id=entry.job_id,
            note=entry.note,
            created_at=entry.created_at,
        )
