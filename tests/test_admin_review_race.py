"""Two admins deciding on one report at once, on SQLite and on PostgreSQL (BOTH_BACKENDS): the checks are in the
decision's own transaction, so one decision is recorded and one message queued; and the version decided on is
the one `reports.current` shows (not superseded), whatever the submission times say."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from handlers.core.flow import Invalid
from handlers.core.router import Core
from handlers.plans.active import every_plan
from handlers.review.decide import decide
from storage import org, people, reports, reviews
from tests.speakers import NOW


async def filed(core: Core) -> reports.Report:
    unit = await org.ensure_unit(core.db, "Kon Tum", await org.ensure_commune(core.db, "Kon Tum", None, "Đắk Plô"),
                                 org.COMMUNE_UNIT)
    who = (await people.identify(core.db, "console", "lan", NOW)).id
    new = reports.NewReport("p", "1", unit.id, "2024-Q2", "xong", 100, "Đã làm", None, who, "k1")
    report, _ = await reports.submit(core.db, new, NOW)
    return report


async def counts(core: Core) -> tuple[int, int]:
    return (int(await core.db.scalar("SELECT COUNT(*) FROM report_reviews")),
            int(await core.db.scalar("SELECT COUNT(*) FROM outbox WHERE key LIKE 'review:%'")))


async def test_two_admins_returning_at_once_record_one_decision_and_one_message(core: Core) -> None:
    report = await filed(core)
    plans = await every_plan(core.db, core.kb)
    a, b = [(await people.identify(core.db, "console", name, NOW)).id for name in ("an", "binh")]
    one, two = await asyncio.gather(
        decide(core.db, plans, report, False, "Thiếu ảnh", a, NOW),
        decide(core.db, plans, report, False, "Thiếu ảnh", b, NOW + dt.timedelta(seconds=1)))
    assert one.id == two.id
    assert await counts(core) == (1, 1)
    approvals = await asyncio.gather(*(decide(core.db, plans, report, True, "", a, NOW + dt.timedelta(minutes=n))
                                       for n in range(1, 4)))
    assert len({r.id for r in approvals}) == 1
    assert await counts(core) == (2, 1)


async def test_a_superseded_version_cannot_be_decided_even_if_filed_later(core: Core) -> None:
    first = await filed(core)
    # the newer version carries an earlier time (a phone's clock, a retried upload): it is still the current one
    new = reports.NewReport(first.plan_id, first.task_id, first.unit_id, first.period, "xong", 100, "Đã bổ sung",
                            None, first.reporter_id, "k2")
    second, _ = await reports.submit(core.db, new, NOW - dt.timedelta(hours=1))
    current = await reports.current(core.db, [first.unit_id])
    assert [r.id for r in current.values()] == [second.id]
    plans = await every_plan(core.db, core.kb)
    with pytest.raises(Invalid, match=f"bản mới hơn \\(BC-{second.id:06d}\\)"):
        await decide(core.db, plans, first, True, "", first.reporter_id, NOW)
    assert await counts(core) == (0, 0)
    done = await decide(core.db, plans, second, True, "", first.reporter_id, NOW)
    assert done.decision == reviews.APPROVED and await counts(core) == (1, 0)
