"""Broadcasts: one row each, one outbox row per recipient, and who may receive one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage import outbox
from storage.db import Db, stamp, transaction
from storage.outbox import Item


@dataclass(frozen=True)
class Reachable:
    """Someone with an active identity, with where they belong (for audience filters)."""

    id: int
    role: str
    province: str | None
    district: str | None
    commune: str | None
    unit_id: int | None


async def reachable(db: Db, province: str | None) -> list[Reachable]:
    """Everyone the bot can write to, within a province (None: everywhere). The EXISTS is served by the
    identities_by_person index."""
    sql = (
        "SELECT p.id, p.role, COALESCE(u.province, p.province) AS province, c.district, c.name AS commune, p.unit_id"
        " FROM people p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN communes c ON c.id = u.commune_id"
        " WHERE EXISTS (SELECT 1 FROM identities i WHERE i.person_id = p.id AND i.active = 1)"
    )
    args: list[object] = []
    if province is not None:
        sql += " AND COALESCE(u.province, p.province) = ?"
        args.append(province)
    rows = await db.fetchall(sql, args)
    return [Reachable(r["id"], r["role"], r["province"], r["district"], r["commune"], r["unit_id"]) for r in rows]


async def create(
    db: Db, author_id: int | None, text: str, audience: str, people_ids: list[int], body: str,
    send_at: dt.datetime, now: dt.datetime,
) -> int:
    """One broadcast row and one outbox row per recipient, in one transaction."""
    async with transaction(db) as tx:
        broadcast_id = int(await tx.scalar(
            "INSERT INTO broadcasts (author_id, text, audience, recipients, send_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (author_id, text, audience, len(people_ids), stamp(send_at), stamp(now)),
        ))
        await outbox.enqueue(
            tx,
            (Item(f"broadcast:{broadcast_id}:{pid}", "broadcast", pid, body, send_at, broadcast_id=broadcast_id)
             for pid in people_ids),
            now,
        )
    return broadcast_id


@dataclass(frozen=True)
class Finished:
    id: int
    author_id: int | None
    recipients: int
    created_at: dt.datetime
    counts: dict[str, int]


async def settle_finished(db: Db, now: dt.datetime) -> list[Finished]:
    """Broadcasts none of whose rows is pending or in flight any more, marked reported (once) and returned
    with their outcome counts."""
    rows = await db.fetchall(
        "SELECT b.id, b.author_id, b.recipients, b.created_at FROM broadcasts b WHERE b.reported_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.broadcast_id = b.id AND o.status IN ('pending', 'sending'))"
    )
    out = []
    for row in rows:
        counts = await outbox.counts(db, row["id"])
        await db.execute("UPDATE broadcasts SET reported_at = ? WHERE id = ?", (stamp(now), row["id"]))
        out.append(Finished(row["id"], row["author_id"], row["recipients"],
                            dt.datetime.fromisoformat(row["created_at"]), counts))
    return out


async def author_of(db: Db, broadcast_id: int) -> int | None:
    """Who composed the broadcast (0 when it came from the command line); None: no such broadcast."""
    row = await db.fetchone("SELECT COALESCE(author_id, 0) FROM broadcasts WHERE id = ?", (broadcast_id,))
    return int(row[0]) if row else None
