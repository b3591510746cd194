"""Time to store 10,000 progress reports (one transaction each, the real write path) and to export them."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from content.loader import load
from handlers.progress import export
from handlers.reports.assignments import tasks_for
from storage import org, people, reports
from storage.db import connect

N_REPORTS = 10_000
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2023, 8, 1, 1, 0, tzinfo=dt.UTC)


async def run(folder: Path) -> None:
    kb = load()
    db = await connect(folder / "bench.sqlite3")
    reporter = await people.identify(db, "bench", "1", NOW)
    work: list[tuple[int, str, str, str]] = []
    commune = 0
    while len(work) < N_REPORTS:
        commune += 1
        cid = await org.ensure_commune(db, "Khánh Hòa", None, f"Xã thử {commune}")
        unit = await org.ensure_unit(db, "Khánh Hòa", cid, org.COMMUNE_UNIT)
        unit = await org.get_unit(db, unit.id) or unit
        for a in tasks_for(kb, unit):
            work.append((unit.id, a.plan.id, a.task.id, a.period(NOW.date()).key))
    work = work[:N_REPORTS]
    start = time.perf_counter()
    for i, (unit_id, plan_id, task_id, period) in enumerate(work):
        new = reports.NewReport(plan_id, task_id, unit_id, period, "dang", 50, "Đã triển khai " * 10, None,
                                reporter.id, f"bench-{i}", (reports.Evidence("link", url="https://example.org"),))
        await reports.submit(db, new, NOW)
    store = time.perf_counter() - start
    start = time.perf_counter()
    rows = await export.rows(db, kb, "Khánh Hòa", None, NOW.date(), ZONE)
    built = time.perf_counter() - start
    start = time.perf_counter()
    data = export.xlsx(rows)
    written = time.perf_counter() - start
    await db.close()
    print("== Báo cáo tiến độ ==")
    print(f"Lưu {len(work):,} báo cáo ({commune:,} xã): {store:.2f} s = {len(work) / store:,.0f} báo cáo/giây")
    print(f"Xuất {len(rows):,} dòng: đọc và ghép {built:.2f} s, ghi xlsx {written:.2f} s ({len(data) / 1e6:.1f} MB)")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder)))
