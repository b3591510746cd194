"""APScheduler drives one periodic sweep; the work itself lives in the outbox, so nothing is lost on restart.

APScheduler 3 skips a job that starts more than a second late unless told otherwise (misfire_grace_time
defaults to 1 s): the sweep is allowed to run however late it is, runs once when several runs were missed
(coalesce) and never overlaps itself (max_instances=1).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import metrics
from bot.delivery import Sweeper

log = logging.getLogger(__name__)


async def start(
    sweeper: Sweeper, every_seconds: int, fetch_evidence: Callable[[], Awaitable[int]] | None = None
) -> AsyncIOScheduler:
    """Must be called on the running event loop; the first sweep runs at once (catch-up after a restart)."""
    await sweeper.start()
    scheduler = AsyncIOScheduler(timezone=sweeper.zone)
    jobs: dict[str, Callable[[], Awaitable[object]]] = {"sweep": sweeper.sweep}
    if fetch_evidence is not None:
        jobs["evidence"] = fetch_evidence
    for name, job in jobs.items():
        scheduler.add_job(
            _run, "interval", args=(name, job), seconds=every_seconds, id=name, replace_existing=True,
            misfire_grace_time=None, coalesce=True, max_instances=1, next_run_time=dt.datetime.now(sweeper.zone),
        )
    scheduler.start()
    return scheduler


async def _run(name: str, job: Callable[[], Awaitable[object]]) -> None:
    try:
        result = await job()
    except Exception:  # a failed run must not unschedule the next one
        log.exception("Việc định kỳ %s lỗi", name)
        metrics.error(name)
        return
    if result:
        log.info("%s: %s", name, result)
