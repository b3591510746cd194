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


@dataclass(frozen=True)
class Stored:
    """An evidence row as the admin pages show it, with the unit of its report (for the scope check)."""

    id: int
    report_id: int
    unit_id: int
    kind: str
    url: str | None
    name: str | None
    size: int | None
    local_path: str | None
    fetch_error: str | None


_STORED = ("SELECT e.id, e.report_id, r.unit_id, e.kind, e.url, e.name, e.size, e.local_path, e.fetch_error"
           " FROM evidence e JOIN reports r ON r.id = e.report_id")


async def of_reports(db: Db, report_ids: list[int]) -> dict[int, list[Stored]]:
    """Each report's evidence, in the order it was sent."""
    if not report_ids:
        return {}
    marks = ",".join("?" * len(report_ids))
    out: dict[int, list[Stored]] = {}
    for row in await db.fetchall(f"{_STORED} WHERE e.report_id IN ({marks}) ORDER BY e.id", report_ids):
        out.setdefault(row["report_id"], []).append(Stored(*row))
    return out


async def get(db: Db, evidence_id: int) -> Stored | None:
    row = await db.fetchone(f"{_STORED} WHERE e.id = ?", (evidence_id,))
    return Stored(*row) if row else None
