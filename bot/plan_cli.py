"""`python -m bot plan template|import|publish|list|archive`: a province's plans as data. Exit status 0 when done,
2 for what the operator can fix (a refused file, rows with problems, an unknown plan)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path

from bot.problems import print_invalid
from bot.settings import Settings
from content.loader import load
from handlers.plans import importer, preview, reading, template
from storage import plans as stored_plans
from storage.db import Target, connected, target, utc_now

STATE_NAMES = {"draft": "bản nháp", "active": "đang áp dụng", "superseded": "đã thay thế", "archived": "lưu trữ"}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="kế hoạch của tỉnh: mẫu, nhập, công bố")
    actions = p.add_subparsers(dest="plan_action", required=True)
    tpl = actions.add_parser("template", help="ghi tệp mẫu .xlsx (hướng dẫn và một dòng ví dụ)")
    tpl.add_argument("file", type=Path)
    imp = actions.add_parser("import", help="nhập kế hoạch từ tệp mẫu .xlsx hoặc bảng nhiệm vụ trong tệp .docx")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không lưu")
    imp.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    imp.add_argument("--publish", action="store_true", help="công bố ngay (thay phiên bản đang áp dụng)")
    imp.add_argument("--province", help="tỉnh, khi tệp không ghi")
    imp.add_argument("--id", help="mã kế hoạch (mặc định: tỉnh-năm, ví dụ lai-chau-2025)")
    imp.add_argument("--papi-year", help="năm PAPI kế hoạch nhắm tới, khi tệp không ghi")
    imp.add_argument("--at", help="xem trước nhắc việc từ giờ này (giờ Việt Nam, \"2025-06-01 08:00\"; mặc định: ngay)")
    imp.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    pub = actions.add_parser("publish", help="công bố một kế hoạch đã nhập (phiên bản mới nhất, hoặc --version)")
    pub.add_argument("id")
    pub.add_argument("--version", type=int)
    pub.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    lst = actions.add_parser("list", help="các kế hoạch đã nhập, mọi phiên bản")
    lst.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    arc = actions.add_parser("archive", help="lưu trữ một kế hoạch: không giao việc, không nhắc nữa")
    arc.add_argument("id")
    arc.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")


def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command != "plan":
        return None
    if args.plan_action == "template":
        template.write(args.file)
        print(f"Đã ghi mẫu kế hoạch: {args.file}")
        return 0
    database = args.db or settings.database
    if args.plan_action == "import":
        return asyncio.run(import_(args, database, settings))
    if args.plan_action == "publish":
        return asyncio.run(publish(args.id, args.version, database))
    if args.plan_action == "archive":
        return asyncio.run(archive(args.id, database))
    return asyncio.run(listing(database))


def _fail(line: str) -> int:
    print(f"Lỗi: {line}", file=sys.stderr)
    return 2


def _invalid(path: Path, problems: list[str], as_json: bool) -> int:
    if as_json:
        print(json.dumps({"plan": None, "tasks": [], "errors": problems}, ensure_ascii=False, indent=2))
        return 2
    return print_invalid(path.name, problems)


async def import_(args: argparse.Namespace, database: Target, settings: Settings) -> int:
    zone = settings.zone
    now = (dt.datetime.strptime(args.at, "%Y-%m-%d %H:%M").replace(tzinfo=zone) if args.at else utc_now())
    given = {"province": args.province or "", "id": args.id or "", "papi_year": args.papi_year or ""}
    kb = load()
    async with connected(database) as db:
        try:
            outcome = await importer.read(db, args.file, given)
        except reading.Refused as refused:
            if args.json:
                print(json.dumps({"plan": None, "tasks": [], "errors": [str(refused)]}, ensure_ascii=False))
                return 2
            return _fail(f"{args.file.name}: {refused}")
        except importer.Invalid as invalid:
            return _invalid(args.file, invalid.parsed.problems, args.json)
        if not args.dry_run:
            await importer.save(db, outcome, args.file.name, args.publish, now)
        items = await preview.reminders(db, kb, outcome.plan, now, zone)
    if args.json:
        print(json.dumps(preview.as_dict(outcome, items, zone), ensure_ascii=False, indent=2))
        return 0
    print(preview.as_text(outcome, items, zone))
    print(_saved_line(outcome, args.dry_run))
    return 0


def _saved_line(outcome: importer.Outcome, dry_run: bool) -> str:
    if dry_run:
        return "Chạy thử: chưa lưu gì. Bỏ --dry-run để lưu bản nháp, thêm --publish để công bố."
    stored = outcome.stored
    assert stored is not None
    state = STATE_NAMES[stored.state]
    if outcome.unchanged and not outcome.published:
        return f"Không có gì thay đổi: kế hoạch {stored.id} phiên bản {stored.version} ({state}) đã có sẵn."
    if stored.state == "active":
        return f"Đã công bố kế hoạch {stored.id} phiên bản {stored.version}: các xã thấy nhiệm vụ ngay."
    return (f"Đã lưu bản nháp kế hoạch {stored.id} phiên bản {stored.version}. Công bố: "
            f"python -m bot plan publish {stored.id}")


async def publish(plan_id: str, version: int | None, database: Target) -> int:
    async with connected(database) as db:
        stored = await stored_plans.get(db, plan_id, version)
        if stored is None:
            return _fail(f"không có kế hoạch «{plan_id}»{f' phiên bản {version}' if version else ''}; "
                         "xem: python -m bot plan list")
        if not await stored_plans.publish(db, stored.id, stored.version, utc_now()):
            print(f"Kế hoạch {stored.id} phiên bản {stored.version} đã đang áp dụng.")
            return 0
    print(f"Đã công bố kế hoạch {stored.id} phiên bản {stored.version} (hiệu lực {stored.valid_from:%d/%m/%Y} – "
          f"{stored.valid_until:%d/%m/%Y}); phiên bản trước (nếu có) đã được thay thế.")
    return 0


async def archive(plan_id: str, database: Target) -> int:
    async with connected(database) as db:
        changed = await stored_plans.archive(db, plan_id)
    if not changed:
        return _fail(f"không có kế hoạch «{plan_id}» chưa lưu trữ")
    print(f"Đã lưu trữ kế hoạch {plan_id}: không còn giao việc hay nhắc hạn.")
    return 0


async def listing(database: Target) -> int:
    async with connected(database) as db:
        rows = await stored_plans.listing(db)
    if not rows:
        print("Chưa nhập kế hoạch nào (các kế hoạch mẫu đi kèm vẫn có trong /kehoach).")
        return 0
    for r in rows:
        print(f"{r.id}\tphiên bản {r.version}\t{STATE_NAMES[r.state]}\t{r.province}\t"
              f"{r.valid_from:%d/%m/%Y} – {r.valid_until:%d/%m/%Y}\t{r.source_name}")
    return 0
