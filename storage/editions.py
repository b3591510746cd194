"""Imported PAPI editions: one row per version of a year's scores (the validated scores as JSON, the file's
name and sha256). The newest version of each year is the one answered from; nothing is ever updated in place,
so the count of rows and the newest stamp say whether anything changed since a process last read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Db, Row, stamp, transaction

_COLUMNS = "year, version, provinces_map, source_name, source_sha256, body, created_at"


@dataclass(frozen=True)
class Stored:
    year: int
    version: int
    provinces_map: int  # 63 or 34
    source_name: str
    source_sha256: str
    body: str  # the scores as JSON (content.scores.edition_body)
    created_at: dt.datetime


def _stored(row: Row) -> Stored:
    return Stored(int(row["year"]), int(row["version"]), int(row["provinces_map"]), row["source_name"],
                  row["source_sha256"], row["body"], dt.datetime.fromisoformat(row["created_at"]))


async def newest(db: Db, year: int) -> Stored | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM score_editions WHERE year = ? ORDER BY version DESC LIMIT 1",
                            (year,))
    return _stored(row) if row else None


async def add(db: Db, year: int, provinces_map: int, source_name: str, sha256: str, body: str,
              now: dt.datetime) -> Stored:
    """The year's next version."""
    async with transaction(db) as tx:
        last = await tx.scalar("SELECT COALESCE(MAX(version), 0) FROM score_editions WHERE year = ?", (year,))
        await tx.execute(
            f"INSERT INTO score_editions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (year, int(last) + 1, provinces_map, source_name, sha256, body, stamp(now)),
        )
    return Stored(year, int(last) + 1, provinces_map, source_name, sha256, body, dt.datetime.fromisoformat(stamp(now)))


async def current(db: Db) -> list[Stored]:
    """The newest version of each year, oldest year first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM score_editions e WHERE version = "
        "(SELECT MAX(version) FROM score_editions n WHERE n.year = e.year) ORDER BY year")
    return [_stored(r) for r in rows]


async def listing(db: Db) -> list[Stored]:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM score_editions ORDER BY year, version")
    return [_stored(r) for r in rows]


async def signature(db: Db) -> tuple[object, ...]:
    """Changes whenever an edition is added (rows are only ever added): one aggregate over a few rows."""
    row = await db.fetchone("SELECT COUNT(*), MAX(created_at) FROM score_editions")
    return tuple(row or ())
