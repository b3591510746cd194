"""Time to draw each chart the bot sends, cold (first chart in the process: matplotlib's import and font
loading) and warm (median and slowest of repeated draws), with the PNG's size. Figures only, no pass/fail.

The admins' chart (`/tiendo biểu đồ`) is timed through `officials.progress` on a real SQLite file, so its figure
includes counting every commune's tasks and reports, not the drawing alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import struct
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from content.loader import KnowledgeBase, load
from handlers.core.context import Config, Ctx
from handlers.core.messages import Reply
from handlers.files.pool import Renderer, here
from handlers.progress import progress as officials
from handlers.reports.assignments import tasks_for
from handlers.scores.router import Scores
from storage import org, people, reports
from storage.db import connect
from storage.people import Person

ROUNDS = 10
PROVINCE = "Khánh Hòa"  # khanh-hoa-2023.yaml gives every commune's UBND 8 tasks
NOW = dt.datetime(2023, 8, 1, 1, 0, tzinfo=dt.UTC)  # after their due date: unreported tasks are overdue
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def timed(draw: Callable[[], Reply]) -> tuple[float, Reply]:
    """The answer and its chart drawn here, as the worker process draws it."""
    t0 = time.perf_counter()
    answer = here(draw())
    return (time.perf_counter() - t0) * 1000, answer


async def through_worker(draw: Callable[[], Reply]) -> list[float]:
    """The same through the worker process the bot uses (arguments sent, PNG back)."""
    renderer = Renderer()
    await renderer.warm()
    times = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        await renderer.finish(draw())
        times.append((time.perf_counter() - t0) * 1000)
    renderer.close()
    return times


def line(label: str, times: list[float], answer: Reply) -> None:
    png = answer.image or b""
    width, height = struct.unpack(">II", png[16:24]) if png else (0, 0)  # the PNG's IHDR chunk comes first
    print(f"{label:>38}: p50 {statistics.median(times):6.1f} ms, chậm nhất {max(times):6.1f} ms, "
          f"{len(png) / 1024:5.0f} KB, {width}×{height}")


async def progress_times(kb: KnowledgeBase, communes: int) -> tuple[list[float], Reply]:
    """`/tiendo biểu đồ` for an admin of a province with this many communes; commune n has reported n % 9 of
    its 8 tasks, so every share from none to all appears."""
    with tempfile.TemporaryDirectory() as folder:
        db = await connect(Path(folder) / "bench.sqlite3")
        reporter = await people.identify(db, "bench", "1", NOW)
        for n in range(1, communes + 1):
            commune = await org.ensure_commune(db, PROVINCE, None, f"Xã thử {n}")
            unit = await org.ensure_unit(db, PROVINCE, commune, org.COMMUNE_UNIT)
            for a in tasks_for(kb, unit)[: n % 9]:
                new = reports.NewReport(a.plan.id, a.task.id, unit.id, a.period(NOW.date()).key, "xong", 100,
                                        "Đã thực hiện", None, reporter.id, f"bench-{n}-{a.task.id}")
                await reports.submit(db, new, NOW)
        ctx = Ctx(kb, db, Person(reporter.id, "admin", None, PROVINCE), NOW, Config(zone=ZONE))
        times, answer = [], Reply("")
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            answer = here(await officials.progress(ctx, "biểu đồ"))
            times.append((time.perf_counter() - t0) * 1000)
        await db.close()
    return times, answer


def main() -> None:
    kb = load()
    scores = Scores(kb)
    charts: dict[str, Callable[[], Reply]] = {
        "radar Kon Tum 2023": lambda: scores.radar("Kon Tum", 2023),
        "radar Đồng Tháp 2024 + mục tiêu": lambda: scores.radar("Đồng Tháp", 2024),
        "radar Khánh Hòa 2023 + nhóm": lambda: scores.radar("Khánh Hòa", 2023),
        "đường Đồng Tháp 2011–2024": lambda: scores.trend("Đồng Tháp"),
    }
    print("== Biểu đồ (PNG rộng 750 px, matplotlib Agg) ==")
    first, _ = timed(next(iter(charts.values())))
    print(f"{'lần đầu (nạp matplotlib, phông)':>38}: {first:7.1f} ms")
    for label, draw in charts.items():
        times, answer = [], Reply("")
        for _ in range(ROUNDS):
            ms, answer = timed(draw)
            times.append(ms)
        line(label, times, answer)
    worker = asyncio.run(through_worker(charts["radar Kon Tum 2023"]))
    print(f"{'radar Kon Tum 2023 qua tiến trình vẽ':>38}: p50 {statistics.median(worker):6.1f} ms, "
          f"chậm nhất {max(worker):6.1f} ms (gửi tham số sang, PNG về)")
    for communes in (12, 100):
        times, answer = asyncio.run(progress_times(kb, communes))
        shown = min(communes, officials.MAX_BARS)
        line(f"/tiendo biểu đồ, {communes} xã (vẽ {shown})", times, answer)


if __name__ == "__main__":
    main()
