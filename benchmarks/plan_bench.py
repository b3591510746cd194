"""`plan import` of a 200-task plan for a province of 100 communes (the first 100 of Nghệ An, each with the units
template, and one official on Telegram per unit, from `people import`): the time from the file to the published
plan beside openpyxl just loading the same file (the floor any .xlsx import stands on), the same file again
(nothing written), and the reminder planner's next sweep once the plan is published beside the same sweep
before (the province with no plan in force)."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from content.loader import load
from handlers.org import official
from handlers.org.template import load_template
from handlers.people import importer as people_importer
from handlers.plans import importer, template
from handlers.reminders import planner
from storage import divisions
from storage.db import Database, connect
from storage.divisions import Commune

TASKS = 200
COMMUNES = 100
PROVINCE = "Nghệ An"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 08:00 on 1/12/2026 in Vietnam
DEADLINES = ("trước ngày 30/12/2026", "hằng quý, trước ngày 03 của tháng cuối quý", "tháng 11/2027", "thường xuyên",
             "trước ngày 25 hằng tháng", "quý I năm 2027", "trong 20 ngày kể từ ngày ban hành", "6 tháng đầu năm 2027")
INFO = {"Tên kế hoạch": "Kế hoạch cải thiện Chỉ số PAPI tỉnh Nghệ An năm 2026", "Số hiệu": "200/KH-UBND",
        "Ngày ban hành": "16/3/2026", "Cơ quan ban hành": "UBND tỉnh Nghệ An", "Tỉnh": PROVINCE, "Cấp": "tỉnh",
        "Năm PAPI": "2026", "Hiệu lực đến": "31/12/2027"}


async def prepare(db: Database) -> list[str]:
    """The province's first 100 communes with the template's units; their unit names, as the plan names them."""
    units = load_template()
    province = official.province(PROVINCE)
    chosen = official.communes(province.code)[:COMMUNES]
    communes = [Commune(c.name, c.code, units.for_kind(c.kind)) for c in chosen]
    await divisions.ensure(db, province.name, province, communes, official.shared_keys(province.code))
    return list(units.for_kind("xã"))


def officials_sheet(path: Path, rows: list[tuple[str, str]]) -> int:
    """One official per commune unit, with a Telegram id, so the planner has someone to remind in every unit."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cán bộ")
    sheet.append(["Họ và tên", "Số điện thoại", "Tỉnh", "Xã", "Đơn vị", "Vai trò", "Telegram"])
    for n, (commune, unit) in enumerate(rows):
        sheet.append([f"Cán bộ số {n + 1}", f"09{n:08d}", PROVINCE, commune, unit, "cán bộ", str(700_000 + n)])
    book.save(path)
    return len(rows)


def plan_file(path: Path, units: list[str]) -> Path:
    """The template filled with 200 tasks for every commune, each to one of the commune's units, and a quarterly
    report calendar, as a Sở would write it."""
    template.write(path)
    book = load_workbook(path)
    for row in book["Kế hoạch"].iter_rows(min_row=2):
        if row[0].value in INFO:
            row[1].value = INFO[str(row[0].value)]
    tasks = book["Nhiệm vụ"]
    tasks.delete_rows(2)
    for n in range(1, TASKS + 1):
        unit = units[n % len(units)]
        tasks.append([n, f"Nhiệm vụ số {n}: rà soát, công khai và báo cáo việc thứ {n}", "", str(n % 8 + 1), "",
                      unit, "Ủy ban MTTQ Việt Nam xã", DEADLINES[n % len(DEADLINES)], "tất cả các xã", unit, ""])
    book["Báo cáo"].append(["Báo cáo kết quả thực hiện hằng quý", "Sở Nội vụ",
                            "hằng quý, trước ngày 03 của tháng cuối quý", "có"])
    book.save(path)
    return path


def openpyxl_floor(path: Path) -> float:
    """openpyxl loading the workbook as the import does (not read-only: merged cells) and reading every row."""
    start = time.perf_counter()
    book = load_workbook(path, data_only=True)
    rows = sum(1 for ws in book.worksheets for _ in ws.iter_rows(values_only=True))
    book.close()
    assert rows > TASKS
    return time.perf_counter() - start


async def sweep(db: Database) -> tuple[float, int, int]:
    """The planning a sweep does (its default window), timed: seconds, reminders, units reminded."""
    kb = load()
    start = time.perf_counter()
    items = await planner.plan(db, kb, NOW, ZONE)
    return time.perf_counter() - start, len(items), len({i.unit_id for i in items})


async def run(folder: Path) -> None:
    db = await connect(folder / "plan.sqlite3")
    try:
        units = await prepare(db)
        rows = [(r["commune"], r["name"]) for r in await db.fetchall(
            "SELECT c.name AS commune, u.name FROM units u JOIN communes c ON c.id = u.commune_id ORDER BY u.id")]
        officials = officials_sheet(folder / "can-bo.xlsx", rows)
        await people_importer.import_file(db, folder / "can-bo.xlsx", NOW)
        path = plan_file(folder / "ke-hoach.xlsx", units)
        floor = openpyxl_floor(path)
        before, _, _ = await sweep(db)
        start = time.perf_counter()
        outcome = await importer.save(db, await importer.read(db, path), path.name, True, NOW)
        published = time.perf_counter() - start
        start = time.perf_counter()
        again = await importer.save(db, await importer.read(db, path), path.name, True, NOW)
        unchanged = time.perf_counter() - start
        after, items, reminded = await sweep(db)
    finally:
        await db.close()
    assert outcome.stored is not None and outcome.stored.state == "active" and again.unchanged
    size = path.stat().st_size / 1e3
    print(f"  tệp {size:.0f} KB, {TASKS} nhiệm vụ, {outcome.reach.communes} xã, {outcome.reach.commune_units} đơn vị "
          f"ở xã, {officials} cán bộ")
    print(f"  từ tệp đến khi công bố: {published:.2f} s = {published / floor:.1f} × openpyxl chỉ nạp tệp "
          f"({floor:.2f} s)")
    print(f"  cùng tệp lần hai (không đổi gì): {unchanged:.2f} s = {unchanged / floor:.1f} × openpyxl chỉ nạp tệp")
    print(f"  lượt quét nhắc việc kế tiếp: {after:.2f} s ({items} tin nhắc cho {reminded} đơn vị, cửa sổ mặc định) "
          f"= {after / before:.0f} × lượt quét trước khi công bố ({before * 1000:.0f} ms, không có kế hoạch)")


def main() -> None:
    print(f"== Kế hoạch: plan import {TASKS} nhiệm vụ cho {COMMUNES} xã ({PROVINCE}) ==")
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(Path(tmp)))


if __name__ == "__main__":
    main()
