"""A returned report is easy to file again: /baocao opens on the task whose current report was returned (the
one returned most recently, if several), with the reviewer's comment above the first question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from handlers.reports.assignments import Assignment
from storage import reports, reviews
from storage.db import Db


async def returned_task(db: Db, unit_id: int, tasks: Sequence[Assignment], today: dt.date
                        ) -> tuple[Assignment, reviews.Review] | None:
    """The unit's task of the current period whose current report was returned, with that decision."""
    current = await reports.current(db, [unit_id])
    filed = [(a, r) for a in tasks if (r := current.get((a.plan.id, a.task.id, unit_id, a.period(today).key)))]
    found = await reviews.latest(db, [r.id for _, r in filed])
    returned = [(a, found[r.id]) for a, r in filed if reviews.status(found, r.id) == reviews.RETURNED]
    return max(returned, key=lambda pair: pair[1].id, default=None)
