"""The listener's connection string, from the SQLAlchemy URL every process is given."""

from __future__ import annotations

from vidgate.store.sql.notifications import asyncpg_dsn


def test_the_driver_name_is_dropped_and_the_password_kept() -> None:
    dsn = asyncpg_dsn("postgresql+asyncpg://vidgate:s3cret@db.internal:6432/vidgate")

    assert dsn == "postgresql://vidgate:s3cret@db.internal:6432/vidgate"


def test_the_ssl_option_is_spelled_as_a_dsn_spells_it() -> None:
    dsn = asyncpg_dsn("postgresql+asyncpg://u:p@db/vidgate?ssl=require")

    assert dsn == "postgresql://u:p@db/vidgate?sslmode=require"
