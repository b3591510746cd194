"""The persistent outbox: every message the bot sends on its own, with a status per recipient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from storage.db import Db, stamp
from storage.db import Row as DbRow

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Item:
    key: str  # idempotency key: the same key is never queued, nor sent, twice
    kind: str  # reminder, overdue, overdue_copy, broadcast, notice
    person_id: int
    text: str
    not_before: dt.datetime
    plan_id: str | None = None
    unit_id: int | None = None
    period: str | None = None
    due: dt.date | None = None
    broadcast_id: int | None = None


@dataclass(frozen=True)
class Row:
    id: int
    item: Item
    attempts: int
    address: tuple[str, str] | None  # (channel, external id) to reach the person now; None: no active identity


async def enqueue(db: Db, items: Iterable[Item], now: dt.datetime) -> int:
    """Queue what is not queued yet; returns how many rows are new. Planning the same thing again is harmless."""
    return await db.executemany(
        "INSERT INTO outbox (key, kind, person_id, text, not_before, plan_id, unit_id, period, due, broadcast_id,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        [
            (i.key, i.kind, i.person_id, i.text, stamp(i.not_before), i.plan_id, i.unit_id, i.period,
             i.due.isoformat() if i.due else None, i.broadcast_id, stamp(now))
            for i in items
        ],
    )


def _row(r: DbRow) -> Row:
    item = Item(
        key=r["key"], kind=r["kind"], person_id=r["person_id"], text=r["text"],
        not_before=dt.datetime.fromisoformat(r["not_before"]), plan_id=r["plan_id"], unit_id=r["unit_id"],
        period=r["period"], due=dt.date.fromisoformat(r["due"]) if r["due"] else None, broadcast_id=r["broadcast_id"],
    )
    address = tuple(r["address"].split(_SEP, 1)) if r["address"] else None
    return Row(r["id"], item, r["attempts"], address)


_SEP = ":"  # a channel's name has none (telegram, zalo, zalo_oa, web); an external id may
# Where to reach a person: the channel they chose if still active, else their most recent active identity.
_ADDRESS = (
    "(SELECT i.channel || ':' || i.external_id FROM identities i JOIN people p ON p.id = i.person_id"
    " WHERE i.person_id = o.person_id AND i.active = 1"
    " ORDER BY (i.channel = p.preferred_channel) DESC, i.created_at DESC LIMIT 1) AS address"
)


async def due(db: Db, now: dt.datetime, limit: int) -> list[Row]:
    """Pending rows whose time has come, oldest first (served by the partial index on status, not_before)."""
    sql = (
        f"SELECT o.*, {_ADDRESS} FROM outbox o WHERE o.status = 'pending' AND o.not_before <= ?"
        " AND (o.next_try IS NULL OR o.next_try <= ?) ORDER BY o.not_before, o.id LIMIT ?"
    )
    rows = await db.fetchall(sql, (stamp(now), stamp(now), limit))
    return [_row(r) for r in rows]


async def claim(db: Db, row_ids: list[int], owner: str, until: dt.datetime) -> set[int]:
    """Mark rows in flight before the network calls, in one statement, with the claiming process and a lease;
    returns those this caller got. A crash leaves them 'sending' until the lease ends (or, on SQLite, where one
    process holds the file, until that process starts again): the ones not yet sent go out then, none twice
    but the few whose call was under way."""
    if not row_ids:
        return set()
    marks = ",".join("?" * len(row_ids))
    sql = (f"UPDATE outbox SET status = 'sending', claimed_by = ?, lease_until = ?"
           f" WHERE status = 'pending' AND id IN ({marks}) RETURNING id")
    return {r[0] for r in await db.fetchall(sql, [owner, stamp(until), *row_ids])}


async def finish(
    db: Db, row_id: int, status: str, now: dt.datetime, error: str | None = None
) -> None:
    await db.execute(
        "UPDATE outbox SET status = ?, sent_at = ?, last_error = ? WHERE id = ?",
        (status, stamp(now) if status == "sent" else None, error, row_id),
    )


async def mark_sent(db: Db, row_ids: list[int], now: dt.datetime) -> None:
    """One statement (one commit) for a group of sent rows."""
    if row_ids:
        marks = ",".join("?" * len(row_ids))
        await db.execute(f"UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id IN ({marks})",
                         [stamp(now), *row_ids])


async def settle(db: Db, rows: list[tuple[int, str, str]]) -> None:
    """Rows that will not be sent, (id, status, reason) each, in one transaction."""
    if rows:
        await db.executemany("UPDATE outbox SET status = ?, last_error = ? WHERE id = ?",
                             [(status, reason, row_id) for row_id, status, reason in rows])


async def retry(db: Db, row: Row, at: dt.datetime, error: str, count: bool = True) -> str:
    """Back to pending with a later try, or failed after MAX_ATTEMPTS; a RetryAfter does not count."""
    attempts = row.attempts + (1 if count else 0)
    status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
    await db.execute(
        "UPDATE outbox SET status = ?, attempts = ?, next_try = ?, last_error = ? WHERE id = ?",
        (status, attempts, stamp(at), error[:500], row.id),
    )
    return status


async def recover(db: Db, now: dt.datetime, owner: str, every_claim: bool = False) -> int:
    """Rows left 'sending' by a process that died may or may not have gone out; send them again (at most the
    messages in flight are repeated, none is lost). Only expired leases are taken back, never a live
    process's claims; `every_claim` takes back every other owner's claims, for a process that holds the
    database alone (the SQLite process lock) and so knows their owners are gone."""
    if every_claim:
        sql, args = "WHERE status = 'sending' AND claimed_by IS DISTINCT FROM ?", [owner]
    else:
        sql, args = "WHERE status = 'sending' AND (lease_until IS NULL OR lease_until < ?)", [stamp(now)]
    done = await db.execute(f"UPDATE outbox SET status = 'pending', claimed_by = NULL, lease_until = NULL {sql}", args)
    return done.rowcount


async def counts(db: Db, broadcast_id: int) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, COUNT(*) FROM outbox WHERE broadcast_id = ? GROUP BY status",
                             (broadcast_id,))
    return {r[0]: r[1] for r in rows}
