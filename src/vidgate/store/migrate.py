"""Schema migrations with Alembic, safe when several processes start at once.

On PostgreSQL a transaction-scoped advisory lock serialises concurrent ``migrate`` calls; on
SQLite the writer's ``BEGIN IMMEDIATE`` does. The second caller then finds the schema at
head and does nothing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from vidgate.store.sql.connections import Connections

MIGRATIONS = Path(__file__).parent / "migrations"
ADVISORY_LOCK_ID = 0x76696467  # "vidg"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def migrate(connections: Connections) -> None:
    async with connections.writer.begin() as conn:
        if connections.dialect == "postgresql":
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_ID})"))
        await conn.run_sync(_upgrade)


async def is_current(connections: Connections) -> bool:
    async with connections.reader.connect() as conn:
        return await conn.run_sync(_at_head)


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _at_head(connection: Connection) -> bool:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return MigrationContext.configure(connection).get_current_revision() == head
