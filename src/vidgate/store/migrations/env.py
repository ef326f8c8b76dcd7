"""Alembic environment: run on the connection that ``vidgate.store.migrate`` passes in."""

from __future__ import annotations

from alembic import context

from vidgate.store.sql.indexes import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
context.run_migrations()
