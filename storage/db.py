"""Open the SQLite database with WAL and foreign keys, and apply the versioned migrations in order."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

MIGRATIONS = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """Stored times are UTC with an explicit offset."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


@asynccontextmanager
async def transaction(db: aiosqlite.Connection) -> AsyncIterator[None]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error; inside an open transaction, it joins that one."""
    own = not db.in_transaction
    if own:
        await db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if own:
            await db.execute("ROLLBACK")
        raise
    if own:
        await db.execute("COMMIT")


def migration_files() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise RuntimeError(f"tên tệp migration không đúng mẫu NNN_ten.sql: {path.name}")
        found.append((int(match.group(1)), path))
    return found


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply each migration not yet recorded, each in its own transaction; returns the schema version."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    for version, path in migration_files():
        if version <= current:
            continue
        script = path.read_text(encoding="utf-8")
        await db.executescript(
            f"BEGIN;\n{script}\nINSERT INTO schema_migrations VALUES ({version}, '{path.name}', '{stamp(utc_now())}');"
            "\nCOMMIT;"
        )
        current = version
    return current


async def connect(path: str | Path) -> aiosqlite.Connection:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = aiosqlite.Row
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA foreign_keys=ON")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses nothing, only a
    # power cut may lose the last commits; FULL would cost a disk sync per outbox status change.
    await db.execute("PRAGMA synchronous=NORMAL")
    await db.execute("PRAGMA busy_timeout=5000")
    await migrate(db)
    return db
