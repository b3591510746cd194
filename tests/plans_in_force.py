"""A bundled plan kept in force for tests that run the bot on the real clock (the Telegram channel, a bot
subprocess): the plans of 2021–2024 no longer assign tasks today, so such a test loads one into the database, as
a province would, with a period that includes today. A database plan with a bundled plan's id takes its place."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from content.loader import load
from storage import plans
from storage.db import Db, connect, utc_now


async def keep_in_force(db: Db, plan_id: str = "dak-plo-2024") -> None:
    plan = load().plan(plan_id)
    assert plan is not None
    today = utc_now().date()
    start, end = dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 12, 31)
    body = plan.model_copy(update={"valid_from": start, "valid_until": end}).model_dump_json()
    stored = await plans.add(db, plans.NewVersion(plan.id, plan.province, start, end, f"{plan.id}.yaml",
                                                  f"test-{plan.id}", body), utc_now())
    await plans.publish(db, stored.id, stored.version, utc_now())


def keep_in_force_in(database: Path, plan_id: str = "dak-plo-2024") -> None:
    async def store() -> None:
        db = await connect(database)
        try:
            await keep_in_force(db, plan_id)
        finally:
            await db.close()

    asyncio.run(store())
