"""Send slots on a bot token shared by every worker (bot/pacing.py): one statement, atomic on both backends, that
hands out the next free slot and moves the token's clock on by one step."""

from __future__ import annotations

from storage.db import Database


async def take(db: Database, key: str, now: float, step: float) -> float:
    """The time (seconds since the epoch) at which this message may be sent: `now`, or the slot after the last
    one handed out, whichever is later."""
    # the row lock of the upsert orders concurrent takers: each gets the slot after the one before
    after = await db.scalar(
        "INSERT INTO send_pace (key, next_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET next_at = "
        "CASE WHEN send_pace.next_at > ? THEN send_pace.next_at ELSE ? END + ? RETURNING next_at",
        (key, now + step, now, now, step))
    return float(after) - step
