"""National scale, built through the project's own functions: 34 provinces, 3,321 communes, 5 units each,
2 officials per unit (33,210), each province with a plan whose quarterly report every commune owes. Prints the
first morning sweep, /nguoidung, /tiendo for one province, the planner, and a question asked while it plans, on
SQLite and then on PostgreSQL (a throw-away server on this machine), the second as ratios to the first."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.delivery import Sweeper
from content.loader import KnowledgeBase, load
from handlers.core.context import Config
from handlers.core.messages import Incoming
from handlers.core.router import Core
from handlers.reminders import planner
from storage import org, people
from storage.db import Database, Target, connect
from tests.postgres_server import PostgresServer, drop_database, fresh_database

T = TypeVar("T")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCES, COMMUNES, UNITS = 34, 3321, ("Văn phòng HĐND-UBND xã", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội",
                                         "Ủy ban MTTQ Việt Nam xã")
MORNING = dt.datetime(2021, 9, 2, 8, 0, tzinfo=ZONE)  # a day before a quarterly report is due


def national_kb(kb: KnowledgeBase) -> KnowledgeBase:
    """Each province with the quarterly-report plan of Duyên Hải, as a provincial plan for all its communes."""
    model = next(p for p in kb.plans if p.id == "duyen-hai-2021")
    plans = tuple(model.model_copy(update={"id": f"bench-{k:02d}", "level": "province", "province": province(k),
                                           "district": None}) for k in range(PROVINCES))
    return dataclasses.replace(kb, plans=plans)


def province(k: int) -> str:
    return f"Tỉnh thử {k + 1:02d}"


async def build(db: Database) -> int:
    now = MORNING.astimezone(dt.UTC)
    next_user = 1
    for k in range(PROVINCES):
        async with db.transaction() as tx:  # one transaction per province: the functions join it
            for c in range(k, COMMUNES, PROVINCES):
                commune = await org.ensure_commune(tx, province(k), None, f"Xã thử {c + 1:04d}")
                units = [await org.ensure_unit(tx, province(k), commune, org.COMMUNE_UNIT)]
                units += [await org.ensure_unit(tx, province(k), commune, name) for name in UNITS]
                for unit in units:
                    for role in ("official", "leader" if unit.name == org.COMMUNE_UNIT else "official"):
                        person = await people.identify(tx, "telegram", str(next_user), now)
                        await people.set_role(tx, person.id, role, unit.id, province(k))
                        next_user += 1
    return next_user - 1


async def timed(coro: Awaitable[T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = await coro
    return result, time.perf_counter() - start


async def measure(target: Target) -> dict[str, float]:
    kb = national_kb(load())
    db = await connect(target)
    start = time.perf_counter()
    officials = await build(db)
    built = time.perf_counter() - start
    now = MORNING.astimezone(dt.UTC)
    core = Core(kb, db, Config(zone=ZONE, quiet_hours=None), clock=lambda: now)
    admin = await people.identify(db, "console", "so-noi-vu", now)
    await people.set_role(db, admin.id, "admin", None, province(0))
    items, planning = await timed(planner.plan(db, kb, now, ZONE, quiet=None))
    # a question asked while the planner runs
    plan_task = asyncio.create_task(planner.plan(db, kb, now, ZONE, quiet=None))
    await asyncio.sleep(0.05)
    _, question = await timed(core.handle(Incoming("console", "dan", text="xa phai cong khai nhung gi", at=now)))
    still = not plan_task.done()
    await plan_task
    sent = 0

    async def instant(external_id: str, text: str) -> None:
        nonlocal sent
        sent += 1

    sweeper = Sweeper(db, kb, ZONE, {"telegram": instant}, clock=lambda: now, quiet_hours=None, batch=2000)
    await sweeper.start()
    _, sweep = await timed(sweeper.sweep())
    _, listing = await timed(core.handle(Incoming("console", "so-noi-vu", text="/nguoidung", at=now)))
    _, progress = await timed(core.handle(Incoming("console", "so-noi-vu", text="/tiendo", at=now)))
    await core.close()
    return {"officials": officials, "built": built, "sent": sent, "sweep": sweep, "planning": planning,
            "items": len(items), "question": question, "still": still, "listing": listing, "progress": progress}


def report(name: str, got: dict[str, float], reference: dict[str, float] | None) -> None:
    def ratio(key: str) -> str:
        return f" = {got[key] / reference[key]:.2f} × SQLite" if reference else ""

    print(f"-- {name} (dựng bằng hàm của dự án trong {got['built']:.0f} s{ratio('built')}) --")
    print(f"Lượt quét sáng đầu tiên (lập lịch + gửi {got['sent']:,.0f} tin đến hạn, kênh gửi tức thì): "
          f"{got['sweep']:.2f} s{ratio('sweep')} (mục tiêu < 2 s)")
    print(f"Bộ lập lịch nhắc việc: {got['planning']:.2f} s{ratio('planning')} cho {got['items']:,.0f} tin (mục tiêu "
          f"< 1 s), chạy ngoài vòng sự kiện: câu hỏi gửi trong lúc đó được trả lời sau {got['question'] * 1000:.0f} ms "
          f"({'khi bộ lập lịch vẫn đang chạy' if got['still'] else 'bộ lập lịch đã xong trước'}; mục tiêu < 200 ms)")
    print(f"/nguoidung (trang 1) của một tỉnh: {got['listing'] * 1000:.0f} ms{ratio('listing')} (mục tiêu < 200 ms); "
          f"/tiendo một tỉnh (~{COMMUNES // PROVINCES} xã): {got['progress'] * 1000:.0f} ms{ratio('progress')} "
          f"(mục tiêu < 100 ms)")


def main() -> None:
    server = PostgresServer()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = asyncio.run(measure(Path(tmp) / "national.sqlite3"))
        url = fresh_database(server.start())
        try:
            postgres = asyncio.run(measure(url))
        finally:
            drop_database(url)
            server.stop()
    print(f"== Quy mô cả nước: {PROVINCES} tỉnh, {COMMUNES:,} xã, {COMMUNES * 5:,} đơn vị, {sqlite['officials']:,.0f}"
          f" cán bộ; SQLite, rồi PostgreSQL 15 trên cùng máy (tỉ số so với SQLite đo trong cùng lần chạy) ==")
    report("SQLite", sqlite, None)
    report("PostgreSQL, 1 tiến trình", postgres, sqlite)


if __name__ == "__main__":
    main()
