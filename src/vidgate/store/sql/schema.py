"""Tables. Times are Unix seconds (float); money is whole credits (bigint).

The partial indexes are declared in ``indexes.py``: the migrations and the schema check
take the metadata from there.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

BigId = BigInteger().with_variant(Integer, "sqlite")

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(24), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("is_admin", Boolean, nullable=False),
    Column("balance", BigInteger, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
    Column("webhook_url", Text),
    Column("webhook_secret", Text),
)

ledger = Table(
    "ledger",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("key_id", String(40), ForeignKey("api_keys.id"), nullable=False),
    Column("job_id", String(48)),
    Column("kind", String(16), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("balance_after", BigInteger, nullable=False),
    Column("note", Text),
    Column("created_at", Float, nullable=False),
    Index("ix_ledger_key_id_id", "key_id", "id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(48), primary_key=True),
    Column("key_id", String(40), ForeignKey("api_keys.id"), nullable=False),
    Column("model", String(100), nullable=False),
    Column("engine", String(40), nullable=False),
    Column("deployment", String(100), nullable=False),
    Column("status", String(16), nullable=False),
    Column("progress", SmallInteger, nullable=False),
    Column("params", JSON, nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("shape", JSON, nullable=False),
    Column("seed", BigInteger),
    Column("price", BigInteger, nullable=False),
    Column("refunded", Boolean, nullable=False),
    Column("error_name", String(64)),
    Column("error_message", Text),
    Column("result", JSON(none_as_null=True)),
    Column("upstream", JSON(none_as_null=True)),
    Column("upstream_status", String(64)),
    Column("lease_owner", String(64)),
    Column("lease_expires_at", Float),
    Column("attempts", Integer, nullable=False),
    Column("cancel_requested", Boolean, nullable=False),
    Column("callback_url", Text),
    Column("remixed_from", String(48)),
    Column("deleted", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
    Index("ix_jobs_key_id_id", "key_id", "id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key_id", String(40), primary_key=True),
    Column("idempotency_key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("job_id", String(48), nullable=False),
    Column("created_at", Float, nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(48), primary_key=True),
    Column("key_id", String(40), ForeignKey("api_keys.id"), nullable=False),
    Column("job_id", String(48), nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("url", Text, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Float, nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_until", Float),
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float),
    Index("ix_webhook_deliveries_key_id_created_at", "key_id", "created_at"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("delivery_id", String(48), ForeignKey("webhook_deliveries.id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", Float, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Integer, nullable=False),
    Index("ix_webhook_attempts_delivery_id", "delivery_id"),
)

instance = Table(
    "instance",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
