"""Schema migrations with Alembic, safe when several processes start at once.

On PostgreSQL a transaction-scoped advisory lock serialises concurrent ``migrate`` calls; on
SQLite the writer's ``BEGIN IMMEDIATE`` does. The second caller then finds the schema at
head and does nothing.

Whether the schema is current is read with one plain query against ``HEAD_REVISION``, so a
process that starts on a migrated database never imports Alembic (~11 MB resident);
``tests/integration/store/test_migrations.py`` checks the constant against Alembic's head.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from vidgate.store.sql.connections import Connections

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_REVISION = "0002"  # the newest file in migrations/versions
ADVISORY_LOCK_ID = 0x76696467  # "vidg"


async def migrate(connections: Connections) -> None:
    if await is_current(connections):
        return
    async with connections.writer.begin() as conn:
        if connections.dialect == "postgresql":
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_ID})"))
        await conn.run_sync(_upgrade)


async def is_current(connections: Connections) -> bool:
    async with connections.reader.connect() as conn:
        try:
            revisions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        except DBAPIError:  # no table yet: an empty database
            return False
    return [row[0] for row in revisions] == [HEAD_REVISION]


def head_revision() -> str | None:
    """Alembic's own idea of the head, from the migration files."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _upgrade(connection: Connection) -> None:
    from alembic import command

    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
