"""Images served at /images/<name> for every worker on one database (bot/web.py: ImageStore): each under its
random name until it expires. Expired rows are removed as new ones are stored, so the table holds about an
hour of charts."""

from __future__ import annotations

import datetime as dt

from storage.db import Db, stamp, transaction


async def put(db: Db, name: str, content_type: str, data: bytes, expires: dt.datetime, now: dt.datetime) -> None:
    async with transaction(db) as tx:
        await tx.execute("DELETE FROM images WHERE expires_at < ?", (stamp(now),))
        await tx.execute("INSERT INTO images (name, content_type, data, expires_at) VALUES (?, ?, ?, ?)",
                         (name, content_type, data, stamp(expires)))


async def get(db: Db, name: str, now: dt.datetime) -> tuple[bytes, str] | None:
    row = await db.fetchone("SELECT data, content_type FROM images WHERE name = ? AND expires_at >= ?",
                            (name, stamp(now)))
    return (bytes(row[0]), str(row[1])) if row is not None else None
