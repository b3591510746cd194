"""`org load` for the whole country (34 provinces, 3,321 communes, ~20,000 units) into a new SQLite file: the
time beside two floors, iterating the package's data and writing the same rows with bare sqlite3 in one
transaction; then a second load (everything already there), and the peak Python memory of a load."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
import tracemalloc
from pathlib import Path

from vietnam_provinces import Province, Ward

from handlers.org import official
from handlers.org.load import load_map
from handlers.org.template import load_template
from storage.db import connect


def iterate_package() -> float:
    start = time.perf_counter()
    rows = [(w.name, int(w.code), w.division_type.value, int(w.province_code)) for w in Ward.iter_all()]
    rows += [(p.name, int(p.code), p.division_type.value, 0) for p in Province.iter_all()]
    assert len(rows) == 3321 + 34
    return time.perf_counter() - start


def bare_sqlite(path: Path, units: int) -> float:
    """The same number of communes and units, inserted by executemany: what SQLite itself costs."""
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE c (id INTEGER PRIMARY KEY, province TEXT, name TEXT, code INTEGER);"
                       "CREATE TABLE u (id INTEGER PRIMARY KEY, province TEXT, commune_id INTEGER, name TEXT);")
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO c (province, name, code) VALUES (?, ?, ?)",
                         [("P", w.name, int(w.code)) for w in Ward.iter_all()])
        conn.executemany("INSERT INTO u (province, commune_id, name) VALUES (?, ?, ?)",
                         [("P", i % 3321, f"Đơn vị {i % 6}") for i in range(units)])
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


async def load_once(path: Path, trace: bool = False) -> tuple[float, int, float]:
    """Seconds, units added, peak MB (traced runs only: tracemalloc slows Python down)."""
    template = load_template()
    official.provinces()  # the package's import, once per process, is not the load's cost
    db = await connect(path)
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    tally = await load_map(db, template)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else 0.0
    if trace:
        tracemalloc.stop()
    await db.close()
    return elapsed, len(tally.units_added), peak


def main() -> None:
    print("== Bản đồ hành chính: org load cả nước (34 tỉnh, 3.321 xã) ==")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first, units, _ = asyncio.run(load_once(folder / "a.sqlite3"))
        again, added, _ = asyncio.run(load_once(folder / "a.sqlite3"))
        _, _, peak = asyncio.run(load_once(folder / "b.sqlite3", trace=True))
        walk = iterate_package()
        floor = bare_sqlite(folder / "c.sqlite3", units)
    print(f"  lần đầu: {first:.2f} s cho 3.321 xã và {units:,} đơn vị".replace(",", ".")
          + f" = {first / walk:.0f} × duyệt dữ liệu gói "
          f"({walk * 1000:.1f} ms), {first / floor:.1f} × ghi trần bằng sqlite3 ({floor * 1000:.0f} ms)")
    print(f"  lần hai (đã có hết, thêm {added}): {again:.2f} s = {again / first:.2f} × lần đầu")
    print(f"  bộ nhớ Python cao nhất khi nạp: {peak:.1f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
