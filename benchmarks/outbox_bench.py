"""Sweep time and memory with 300,000 pending reminder rows: the due rows are found by the partial index,
so a sweep's cost should not grow with what is queued for later."""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.delivery import Sweeper
from content.loader import load
from storage import outbox
from storage.db import connect

PENDING = 300_000
DUE_PER_SWEEP = 50
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2024, 6, 3, 1, 30, tzinfo=dt.UTC)  # 08:30 in Vietnam, outside the quiet hours


async def run(folder: Path) -> None:
    db = await connect(folder / "outbox.sqlite3")
    await db.execute("INSERT INTO people (id, created_at) VALUES (1, 'x')")
    await db.execute("INSERT INTO identities VALUES ('bench', '1', 1, 1, 'x')")
    later = [
        outbox.Item(f"later:{i}", "notice", 1, "Nhắc việc", NOW + dt.timedelta(days=1, seconds=i))
        for i in range(PENDING)
    ]
    start = time.perf_counter()
    await outbox.enqueue(db, later, NOW)
    queued = time.perf_counter() - start
    sent: list[str] = []

    async def deliver(external_id: str, text: str) -> None:
        sent.append(text)

    clock = [NOW]
    sweeper = Sweeper(db, load(), ZONE, {"bench": deliver}, clock=lambda: clock[0])
    sweeper.planning = False  # only what is queued here
    times, peaks = [], []
    tracemalloc.start()
    for round_ in range(20):
        due = [outbox.Item(f"due:{round_}:{i}", "notice", 1, "Đến hạn", clock[0]) for i in range(DUE_PER_SWEEP)]
        await outbox.enqueue(db, due, clock[0])
        tracemalloc.reset_peak()
        start = time.perf_counter()
        await sweeper.sweep()
        times.append((time.perf_counter() - start) * 1000)
        peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
        clock[0] += dt.timedelta(minutes=1)
    tracemalloc.stop()
    empty = []
    for _ in range(20):
        start = time.perf_counter()
        await sweeper.sweep()
        empty.append((time.perf_counter() - start) * 1000)
    await db.close()
    print("== Outbox ==")
    print(f"Xếp hàng {PENDING:,} tin chờ: {queued:.1f} s")
    print(f"Lượt quét có {DUE_PER_SWEEP} tin đến hạn: p50 {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms (mục tiêu < 50 ms cho phần tìm tin đến hạn); đã gửi {len(sent)}")
    print(f"Lượt quét không có tin đến hạn: p50 {statistics.median(empty):.2f} ms, max {max(empty):.2f} ms")
    print(f"Bộ nhớ đỉnh mỗi lượt: đầu {peaks[0]:.2f} MB, cuối {peaks[-1]:.2f} MB (phẳng nếu gần bằng nhau)")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder)))
