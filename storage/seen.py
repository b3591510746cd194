"""Incoming events (platform message and update ids) already seen, per channel, so a redelivery is handled once."""

from __future__ import annotations

import datetime as dt

from storage.db import Db, stamp

KEEP = dt.timedelta(days=7)


async def first_seen(db: Db, channel: str, event_id: str, now: dt.datetime) -> bool:
    """Record the event; True the first time it is seen, False for a redelivery.

    One INSERT decides, so two deliveries racing each other cannot both win.
    """
    sql = "INSERT INTO processed_events (channel, event_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    return (await db.execute(sql, (channel, event_id, stamp(now)))).rowcount == 1


async def prune(db: Db, now: dt.datetime, keep: dt.timedelta = KEEP) -> int:
    """Forget events older than `keep`; returns how many were removed."""
    return (await db.execute("DELETE FROM processed_events WHERE received_at < ?", (stamp(now - keep),))).rowcount
