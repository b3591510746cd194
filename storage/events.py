"""Incoming events already seen, per channel, so that a redelivered event is handled once."""

from __future__ import annotations

import datetime as dt

import aiosqlite

from storage.db import stamp

KEEP = dt.timedelta(days=7)


async def first_seen(db: aiosqlite.Connection, channel: str, event_id: str, now: dt.datetime) -> bool:
    """Record the event; True the first time it is seen, False for a redelivery.

    One INSERT decides, so two deliveries racing each other cannot both win.
    """
    sql = "INSERT INTO processed_events (channel, event_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    async with db.execute(sql, (channel, event_id, stamp(now))) as cur:
        return cur.rowcount == 1


async def prune(db: aiosqlite.Connection, now: dt.datetime, keep: dt.timedelta = KEEP) -> int:
    """Forget events older than `keep`; returns how many were removed."""
    async with db.execute("DELETE FROM processed_events WHERE received_at < ?", (stamp(now - keep),)) as cur:
        return cur.rowcount
