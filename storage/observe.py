"""What /metrics and /healthz read from the database: a real query to prove it answers, the outbox by state,
how late the oldest due row is, the progress of broadcasts not yet reported. Read-only, a few aggregate
statements; run on the sweep's own connection so they never hold up a conversation's statements."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from storage.db import Db, stamp

STATES = ("pending", "sending", "sent", "failed", "blocked", "skipped")


async def schema_version(db: Db) -> int:
    """A read of a table (not `SELECT 1`, which SQLite answers without touching the file)."""
    return int(await db.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))


async def outbox_states(db: Db) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    counts = dict.fromkeys(STATES, 0)
    counts.update({r[0]: int(r[1]) for r in rows})
    return counts


async def oldest_due(db: Db, now: dt.datetime) -> dt.datetime | None:
    """When the longest-waiting row that is due was due (served by the partial index outbox_due)."""
    value = await db.scalar("SELECT MIN(not_before) FROM outbox WHERE status = 'pending' AND not_before <= ?",
                            (stamp(now),))
    return dt.datetime.fromisoformat(value) if value else None


async def broadcast_progress(db: Db) -> dict[str, int]:
    """Rows by state of the broadcasts still going out (not yet reported to their author)."""
    rows = await db.fetchall(
        "SELECT o.status, COUNT(*) FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id"
        " WHERE b.reported_at IS NULL GROUP BY o.status"
    )
    counts = dict.fromkeys(STATES, 0)
    counts.update({r[0]: int(r[1]) for r in rows})
    return counts


def file_answers(path: Path) -> None:
    """A fresh read-only connection to the file at `path` reads a table; raises sqlite3.Error when it cannot
    (the file moved or deleted, replaced, unreadable to the bot's user). An open connection would not notice:
    it keeps reading the file it opened, even after it is gone from the folder."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)) as conn:
        conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
