"""Dates of events that deadlines count from ("15 days after PAPI 2024 is published"), recorded by admins when
the content does not know them."""

from __future__ import annotations

import datetime as dt

from storage.db import Db


async def recorded(db: Db) -> dict[tuple[str, int], dt.date]:
    rows = await db.fetchall("SELECT name, year, date FROM event_dates")
    return {(r[0], r[1]): dt.date.fromisoformat(r[2]) for r in rows}


async def record(db: Db, name: str, year: int, date: dt.date) -> None:
    await db.execute(
        "INSERT INTO event_dates (name, year, date) VALUES (?, ?, ?)"
        " ON CONFLICT (name, year) DO UPDATE SET date = excluded.date",
        (name, year, date.isoformat()),
    )
