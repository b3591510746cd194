"""The queries on hot paths use indexes: none scans a table once per row (EXPLAIN QUERY PLAN on the SQL the
repositories really run, captured as they run it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storage import broadcasts, outbox, people
from storage.db import Args, Row, SqliteDatabase, connect_sqlite

NOW = dt.datetime(2024, 6, 3, 1, 0, tzinfo=dt.UTC)


class Recording(SqliteDatabase):
    """The real database, remembering every read it was asked for."""

    queries: list[tuple[str, Args]]

    async def fetchall(self, sql: str, args: Args = ()) -> list[Row]:
        self.queries.append((sql, args))
        return await super().fetchall(sql, args)


@pytest.fixture
async def db(tmp_path: Path) -> Recording:
    real = await connect_sqlite(tmp_path / "plans.sqlite3")
    recording = Recording(real._conn, real.path)  # the same connection, migrated
    recording.queries = []
    return recording


async def plan_of(db: SqliteDatabase, sql: str, args: Args) -> list[str]:
    return [r["detail"] for r in await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", args)]


@pytest.mark.parametrize("call", ["outbox_due", "members", "audience"])
async def test_hot_queries_do_not_scan_identities_per_row(db: Recording, call: str) -> None:
    if call == "outbox_due":
        await outbox.due(db, NOW, 500)
    elif call == "members":
        await people.members(db, "Kon Tum")
    else:
        await broadcasts.reachable(db, "Kon Tum")
    sql, args = db.queries[-1]
    details = await plan_of(db, sql, args)
    scans = [d for d in details if d.startswith("SCAN") and ("identities" in d or d.startswith("SCAN i"))]
    assert not scans, details
    assert any("identities_by_person" in d or "sqlite_autoindex_identities" in d for d in details), details
    await db.close()
