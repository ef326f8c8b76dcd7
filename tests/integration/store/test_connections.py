"""SQLite URLs: the standard driver whatever driver name the settings carry."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from vidgate.store.sql.connections import connect


@pytest.mark.parametrize("scheme", ["sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"])
async def test_a_sqlite_url_opens_on_the_standard_driver_with_a_real_writer(
    tmp_path: Path, scheme: str
) -> None:
    connections = connect(f"{scheme}:///{tmp_path / 'vidgate.db'}")
    try:
        async with connections.writer.begin() as conn:
            await conn.execute(text("CREATE TABLE t (a INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(RuntimeError):
            async with connections.writer.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (2)"))
                raise RuntimeError("rolled back")
        async with connections.reader.connect() as conn:
            rows = (await conn.execute(text("SELECT a FROM t"))).scalars().all()
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
    finally:
        await connections.dispose()

    assert connections.writer.url.drivername == "sqlite+pysqlite"
    assert rows == [1]
    assert mode == "wal"
