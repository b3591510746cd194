"""Evidence files still to be fetched from their channel, and where each one was saved."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Db


@dataclass(frozen=True)
class Pending:
    id: int
    report_id: int
    channel: str
    kind: str
    file_id: str | None
    url: str | None
    name: str | None


async def pending(db: Db, channels: list[str], limit: int) -> list[Pending]:
    if not channels:
        return []
    marks = ",".join("?" * len(channels))
    sql = (
        "SELECT id, report_id, channel, kind, file_id, url, name FROM evidence WHERE local_path IS NULL"
        f" AND fetch_error IS NULL AND kind IN ('photo', 'document') AND channel IN ({marks}) ORDER BY id LIMIT ?"
    )
    rows = await db.fetchall(sql, [*channels, limit])
    return [Pending(*row) for row in rows]


async def saved(db: Db, evidence_id: int, path: str) -> None:
    await db.execute("UPDATE evidence SET local_path = ? WHERE id = ?", (path, evidence_id))


async def failed(db: Db, evidence_id: int, error: str) -> None:
    await db.execute("UPDATE evidence SET fetch_error = ? WHERE id = ?", (error[:500], evidence_id))
