"""API keys and their credit ledger."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vidgate.domain.jobs import KeyKind


class LedgerKind(StrEnum):
    GRANT = "grant"
    TOPUP = "topup"
    RESERVE = "reserve"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    prefix: str
    kind: KeyKind
    is_admin: bool
    balance: int
    created_at: float
    revoked_at: float | None = None
    webhook_url: str | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.kind is KeyKind.SANDBOX

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: int
    key_id: str
    kind: LedgerKind
    amount: int
    balance_after: int
    created_at: float
    job_id: str | None = None
    note: str | None = None
