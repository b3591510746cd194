"""Plans a province loaded: one row per version (the validated plan as JSON beside its indexed columns).

A plan keeps its id across versions; publishing a version makes it the one active row of that id and marks the
one before superseded, in one transaction. Progress reports name (plan id, task id), so they stay with the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Db, Row, stamp, transaction

STATES = ("draft", "active", "superseded", "archived")


@dataclass(frozen=True)
class Stored:
    id: str
    version: int
    state: str
    province: str
    valid_from: dt.date
    valid_until: dt.date
    source_name: str
    source_sha256: str
    body: str  # the Plan as JSON
    created_at: str
    published_at: str | None


@dataclass(frozen=True)
class NewVersion:
    id: str
    province: str
    valid_from: dt.date
    valid_until: dt.date
    source_name: str
    source_sha256: str
    body: str


_COLUMNS = ("id, version, state, province, valid_from, valid_until, source_name, source_sha256, body, created_at,"
            " published_at")


def _stored(row: Row) -> Stored:
    return Stored(row["id"], row["version"], row["state"], row["province"], dt.date.fromisoformat(row["valid_from"]),
                  dt.date.fromisoformat(row["valid_until"]), row["source_name"], row["source_sha256"], row["body"],
                  row["created_at"], row["published_at"])


async def by_sha(db: Db, sha256: str) -> Stored | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM plans WHERE source_sha256 = ?", (sha256,))
    return _stored(row) if row else None


async def get(db: Db, plan_id: str, version: int | None = None) -> Stored | None:
    """That version, or the newest one."""
    if version is None:
        row = await db.fetchone(f"SELECT {_COLUMNS} FROM plans WHERE id = ? ORDER BY version DESC LIMIT 1",
                                (plan_id,))
    else:
        row = await db.fetchone(f"SELECT {_COLUMNS} FROM plans WHERE id = ? AND version = ?", (plan_id, version))
    return _stored(row) if row else None


async def add(db: Db, new: NewVersion, now: dt.datetime) -> Stored:
    """A new draft version of the plan (the next number after its last)."""
    async with transaction(db) as tx:
        last = await tx.scalar("SELECT COALESCE(MAX(version), 0) FROM plans WHERE id = ?", (new.id,))
        await tx.execute(
            "INSERT INTO plans (id, version, state, province, valid_from, valid_until, source_name, source_sha256,"
            " body, created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?)",
            (new.id, int(last) + 1, new.province, new.valid_from.isoformat(), new.valid_until.isoformat(),
             new.source_name, new.source_sha256, new.body, stamp(now)),
        )
    stored = await get(db, new.id, int(last) + 1)
    assert stored is not None
    return stored


async def publish(db: Db, plan_id: str, version: int, now: dt.datetime) -> bool:
    """Make this version the active one and the previous active version superseded; False if there is no such
    draft (or it is already active)."""
    async with transaction(db) as tx:
        state = await tx.scalar("SELECT state FROM plans WHERE id = ? AND version = ?", (plan_id, version))
        if state not in ("draft", "superseded", "archived"):
            return False
        await tx.execute("UPDATE plans SET state = 'superseded' WHERE id = ? AND state = 'active'", (plan_id,))
        await tx.execute("UPDATE plans SET state = 'active', published_at = ? WHERE id = ? AND version = ?",
                         (stamp(now), plan_id, version))
    return True


async def archive(db: Db, plan_id: str) -> int:
    """Every version of the plan archived: it no longer feeds tasks or reminders. The number of rows changed."""
    done = await db.execute("UPDATE plans SET state = 'archived' WHERE id = ? AND state != 'archived'", (plan_id,))
    return done.rowcount


async def active(db: Db, day: dt.date) -> list[Stored]:
    """Active versions whose period includes the day."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM plans WHERE state = 'active' AND valid_from <= ? AND valid_until >= ? ORDER BY id",
        (day.isoformat(), day.isoformat()),
    )
    return [_stored(r) for r in rows]


async def active_any_day(db: Db) -> list[Stored]:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM plans WHERE state = 'active' ORDER BY id")
    return [_stored(r) for r in rows]


async def listing(db: Db) -> list[Stored]:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM plans ORDER BY id, version")
    return [_stored(r) for r in rows]


async def signature(db: Db) -> tuple[object, ...]:
    """Changes when a plan is added, published, superseded or archived (the reminder planner plans again)."""
    row = await db.fetchone("SELECT COUNT(*), COALESCE(GROUP_CONCAT(id || version || state), '') FROM plans")
    return tuple(row or ())
