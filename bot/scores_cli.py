"""`python -m bot scores import FILE --year YYYY [--dry-run] | list`: a new PAPI edition loaded from the file PAPI
publishes. Exit status 0 when done (or already there), 2 when the file is refused or has problems (nothing saved).

The running bot answers from an import at its next score question, with no restart (handlers/scores/router.py).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.problems import print_invalid
from bot.settings import Settings
from content.loader import load
from content.scores import edition_body, map_size
from handlers.org.sheet import Refused
from handlers.scores import edition_import
from storage import editions
from storage.db import connected, target, utc_now


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scores", help="kết quả PAPI: nhập kỳ mới từ tệp PAPI công bố")
    actions = p.add_subparsers(dest="scores_action", required=True)
    imp = actions.add_parser("import", help="nhập điểm một năm từ tệp .xlsx (bảng chỉ tiêu cấp tỉnh) hoặc .csv")
    imp.add_argument("file", type=Path)
    imp.add_argument("--year", type=int, required=True, help="năm khảo sát PAPI (ví dụ 2025)")
    imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu")
    imp.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    lst = actions.add_parser("list", help="các kỳ đã nhập, mọi phiên bản")
    lst.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")


def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command != "scores":
        return None
    database = args.db or settings.database
    if args.scores_action == "import":
        return asyncio.run(import_file(args.file, args.year, database, args.dry_run, settings.zone)).status
    return asyncio.run(listing(database, settings.zone))


@dataclass(frozen=True)
class Imported:
    """What an import did: the stored version (None on a dry run or a refused file) and whether it was new."""

    status: int
    stored: editions.Stored | None = None
    added: bool = False


async def import_file(path: Path, year: int, database: Path | str, dry_run: bool, zone: ZoneInfo,
                      now: dt.datetime | None = None) -> Imported:
    """Read, check and (unless dry_run) save the file's edition of `year`; prints what it did."""
    kb = load()
    first = kb.scores.years[0]
    if not first <= year <= (now or utc_now()).year:
        print(f"Lỗi: năm {year} không phải một kỳ PAPI (dữ liệu có từ {first}; năm khảo sát không thể sau năm "
              "nay).", file=sys.stderr)
        return Imported(2)
    names = edition_import.names_for(year, kb.provinces, kb.scores.map)
    try:
        parsed = edition_import.read_edition(path, names)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except Refused as refused:
        print(f"Lỗi: {path.name}: {refused}", file=sys.stderr)
        return Imported(2)
    if not parsed.valid:
        return Imported(print_invalid(path.name, parsed.problems))
    print(_summary(path, parsed))
    if dry_run:
        print("Chạy thử: chưa lưu gì. Bỏ --dry-run để lưu.")
        return Imported(0)
    body = edition_body(parsed.rows, parsed.sub_names)
    async with connected(database) as db:
        # only the year's newest version counts: the same multi-year file for another year, or an earlier file
        # again (a correction rolled back), is new
        same = await editions.newest(db, year)
        if same is not None and (same.source_sha256 == sha or same.body == body):
            print(f"Không có gì thay đổi: tệp này đã nhập (PAPI {same.year} phiên bản {same.version}, ngày "
                  f"{same.created_at.astimezone(zone):%d/%m/%Y}, từ «{same.source_name}»).")
            return Imported(0, same)
        stored = await editions.add(db, year, map_size(year), path.name, sha, body, now or utc_now())
    replaced = " thay cho dữ liệu đi kèm của năm này;" if year in kb.scores.years else ""
    print(f"Đã nhập PAPI {year} phiên bản {stored.version} (nguồn: «{path.name}», sha256 {sha[:12]}…):{replaced} "
          "bot trả lời theo kỳ này ngay từ câu hỏi tiếp theo, không cần khởi động lại.")
    return Imported(0, stored, added=True)


def _summary(path: Path, parsed: edition_import.Parsed) -> str:
    year = parsed.year
    sheets = [s for s in parsed.sheets if s]
    read_from = f" (trang {', '.join(f'«{s}»' for s in sheets)})" if sheets else ""
    with_subs = sum(1 for r in parsed.rows if r.subs)
    lines = [f"Tệp {path.name}{read_from}: PAPI {year}, bản đồ {map_size(year)} tỉnh, thành phố; "
             f"{len(parsed.rows)} tỉnh có điểm, {sum(1 for r in parsed.rows if r.total is not None)} có tổng điểm"
             + (f", {with_subs} có điểm nội dung thành phần." if with_subs else ".")]
    lines += [f"  - {note}" for note in parsed.notes]
    return "\n".join(lines)


async def listing(database: Path | str, zone: ZoneInfo) -> int:
    async with connected(database) as db:
        rows = await editions.listing(db)
    if not rows:
        print("Chưa nhập kỳ PAPI nào (các câu trả lời dùng dữ liệu đi kèm 2011–2024).")
        return 0
    for r in rows:
        print(f"PAPI {r.year}\tphiên bản {r.version}\t{r.provinces_map} tỉnh\t{r.created_at.astimezone(zone):%d/%m/%Y}"
              f"\t{r.source_name}\t{r.source_sha256[:12]}")
    return 0
