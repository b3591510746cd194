"""People and their channel identities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from storage.db import stamp


@dataclass(frozen=True)
class Person:
    id: int
    role: str


async def identify(db: aiosqlite.Connection, channel: str, external_id: str, now: dt.datetime) -> Person:
    """The person behind (channel, sender id), created as a citizen on first contact."""
    sql = (
        "SELECT p.id, p.role FROM identities i JOIN people p ON p.id = i.person_id"
        " WHERE i.channel = ? AND i.external_id = ?"
    )
    async with db.execute(sql, (channel, external_id)) as cur:
        row = await cur.fetchone()
    if row:
        return Person(id=row["id"], role=row["role"])
    await db.execute("BEGIN IMMEDIATE")
    try:
        cur = await db.execute("INSERT INTO people (created_at) VALUES (?)", (stamp(now),))
        person_id = cur.lastrowid
        await db.execute(
            "INSERT INTO identities (channel, external_id, person_id, created_at) VALUES (?, ?, ?, ?)",
            (channel, external_id, person_id, stamp(now)),
        )
        await db.execute("COMMIT")
    except BaseException:
        await db.execute("ROLLBACK")
        raise
    assert person_id is not None
    return Person(id=person_id, role="citizen")


async def set_role(db: aiosqlite.Connection, person_id: int, role: str) -> Person:
    await db.execute("UPDATE people SET role = ? WHERE id = ?", (role, person_id))
    return Person(id=person_id, role=role)
