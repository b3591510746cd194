from __future__ import annotations

import datetime as dt

from storage import gaps, people, sessions
from storage.db import Target, connect, migration_files

NOW = dt.datetime(2024, 6, 1, 1, 0, tzinfo=dt.UTC)


async def test_migrations_are_versioned_and_applied_once(database: Target, backend: str) -> None:
    db = await connect(database)
    await db.close()
    db = await connect(database)  # a second start applies nothing again
    rows = [tuple(r) for r in await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")]
    assert rows == [(v, p.name) for v, p in migration_files()]
    if backend == "sqlite":
        assert await db.scalar("PRAGMA journal_mode") == "wal"
        assert await db.scalar("PRAGMA foreign_keys") == 1
    await db.close()


async def test_session_state_survives_reopening_the_database(database: Target) -> None:
    db = await connect(database)
    await people.identify(db, "zalo", "u1", NOW)
    state = sessions.Session(choices=[("Một", "doc:dim:1")], flow="baocao", step="status", draft={"task": "t01"})
    await sessions.save(db, "zalo", "u1", state, NOW)
    await db.close()
    db = await connect(database)
    assert await sessions.load(db, "zalo", "u1") == state
    await db.close()


async def test_identify_creates_a_citizen_once(database: Target) -> None:
    db = await connect(database)
    first = await people.identify(db, "telegram", "7", NOW)
    again = await people.identify(db, "telegram", "7", NOW)
    other = await people.identify(db, "zalo", "7", NOW)
    assert first == again and first.role == "citizen" and other.id != first.id
    await db.close()


COLUMNS = {
    "sqlite": "SELECT name FROM pragma_table_info('question_gaps')",
    "postgresql": "SELECT column_name FROM information_schema.columns WHERE table_name = 'question_gaps'",
}


async def test_gaps_keep_only_text_and_time(database: Target, backend: str) -> None:
    db = await connect(database)
    await gaps.record(db, "Thời tiết hôm nay?", NOW)
    await gaps.record(db, "thoi tiet hom nay", NOW + dt.timedelta(hours=1))
    columns = {r[0] for r in await db.fetchall(COLUMNS[backend])}
    assert columns == {"id", "question", "normalized", "asked_at"}
    rows = await gaps.most_asked(db)
    assert len(rows) == 1 and rows[0].count == 2
    # the day only, as the issue asks (a to-the-second time matched the asker's session row)
    assert rows[0].last_asked == dt.datetime.combine((NOW + dt.timedelta(hours=1)).date(), dt.time(), dt.UTC)
    await db.close()
