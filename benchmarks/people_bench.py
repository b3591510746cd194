"""`people import` of 33,000 officials (ten per commune of the whole country, after `org load`) into SQLite: the
time beside openpyxl just reading the same file (the floor any .xlsx import stands on), then the same file again
(everything there: nothing written), and the peak Python memory of an import beside that of the bare read."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

from handlers.org.load import load_map
from handlers.org.template import load_template
from handlers.people import importer
from storage.db import connect, utc_now

PEOPLE = 33_000
ROLES = ("cán bộ", "Công chức", "lãnh đạo xã")


def write_sheet(db: Path, path: Path) -> int:
    """Ten officials per commune, spread over its units, with phones in the forms people write them."""
    with sqlite3.connect(db) as conn:
        units = conn.execute("SELECT u.province, c.name, u.name FROM units u JOIN communes c ON c.id = u.commune_id"
                             " ORDER BY u.id").fetchall()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cán bộ")
    sheet.append(["STT", "Họ và tên", "Số điện thoại", "Tỉnh/TP", "Xã, phường", "Cơ quan", "Vai trò"])
    for n in range(PEOPLE):
        province, commune, unit = units[n % len(units)]
        digits = f"9{n:08d}"
        phone = (f"+84 {digits[:3]}.{digits[3:6]}.{digits[6:]}", f"0{digits}", f"84{digits}")[n % 3]
        sheet.append([n + 1, f"Cán bộ số {n + 1}", phone, province, commune.lower(), unit, ROLES[n % 3]])
    book.save(path)
    return len(units)


def read_only(path: Path) -> int:
    """openpyxl reading every row into a list, as any import holding the file's rows must: the floor."""
    book = load_workbook(path, read_only=True, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return len(rows)


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # 33.000, as Vietnamese write it


async def import_once(db_path: Path, sheet: Path) -> tuple[float, importer.Result]:
    db = await connect(db_path)
    start = time.perf_counter()
    try:
        result = await importer.import_file(db, sheet, utc_now())
    finally:
        await db.close()
    return time.perf_counter() - start, result


def traced(work: Callable[[], object]) -> float:
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak


async def prepare(db: Path) -> None:
    conn = await connect(db)
    try:
        await load_map(conn, load_template())
    finally:
        await conn.close()


def main() -> None:
    print(f"== Danh sách cán bộ: people import {_n(PEOPLE)} người (cả nước, sau org load) ==")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        asyncio.run(prepare(folder / "a.sqlite3"))
        units = write_sheet(folder / "a.sqlite3", folder / "can-bo.xlsx")
        (folder / "b.sqlite3").write_bytes((folder / "a.sqlite3").read_bytes())
        start = time.perf_counter()
        read_only(folder / "can-bo.xlsx")
        floor = time.perf_counter() - start
        first, result = asyncio.run(import_once(folder / "a.sqlite3", folder / "can-bo.xlsx"))
        again, second = asyncio.run(import_once(folder / "a.sqlite3", folder / "can-bo.xlsx"))
        peak = traced(lambda: asyncio.run(import_once(folder / "b.sqlite3", folder / "can-bo.xlsx")))
        floor_peak = traced(lambda: read_only(folder / "can-bo.xlsx"))
        size = (folder / "can-bo.xlsx").stat().st_size / 1e6
    assert result.added == PEOPLE and second.unchanged == PEOPLE and not second.coded
    print(f"  tệp {size:.1f} MB, {_n(units)} đơn vị; lần đầu: {first:.1f} s (thêm {_n(result.added)}, "
          f"cấp {_n(len(result.coded))} mã) = {first / floor:.1f} × openpyxl chỉ đọc tệp ({floor:.1f} s)")
    print(f"  lần hai (không đổi gì): {again:.1f} s = {again / floor:.1f} × openpyxl chỉ đọc tệp")
    print(f"  bộ nhớ Python cao nhất: {peak:.0f} MB = {peak / floor_peak:.1f} × openpyxl đọc mọi dòng vào danh sách "
          f"({floor_peak:.0f} MB; tracemalloc)")


if __name__ == "__main__":
    main()
