"""A summary of what the reminder planner reads (officials and their units, muting, units, recorded event
dates, the plans loaded into the database), so the sweep plans again only when one of them changed, or a new day
began."""

from __future__ import annotations

from storage import plans
from storage.db import Db


async def signature(db: Db) -> tuple[object, ...]:
    officials = await db.fetchone(
        "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(unit_id * 31 + id), 0),"
        " COALESCE(SUM(reminders_muted * id), 0), COALESCE(SUM(CASE WHEN role = 'leader' THEN id END), 0)"
        " FROM people WHERE role IN ('official', 'leader') AND unit_id IS NOT NULL"
    )
    units = await db.fetchone("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM units")
    events = await db.fetchone("SELECT COUNT(*), COALESCE(GROUP_CONCAT(name || year || date), '') FROM event_dates")
    return tuple(officials or ()) + tuple(units or ()) + tuple(events or ()) + await plans.signature(db)
