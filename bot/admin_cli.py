"""Operator commands: `invite`, `export`, `people`. Each opens the database, does one thing, closes. (`backup` and
`restore` are in bot/ops_cli.py.)"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from tqdm import tqdm

from bot import people_cli
from bot.settings import Settings
from content.loader import load
from handlers.broadcasts import audience as broadcasts
from handlers.core.commands import ROLE_NAMES
from handlers.invitations import directory
from handlers.invitations import flow as invite_flow
from handlers.progress import export
from handlers.reminders import planner as reminders
from handlers.reminders.quiet import hold
from storage import event_dates, org, people
from storage.db import Target, connected, target, utc_now


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("invite", help="tạo mã mời một lần cho cán bộ hoặc quản trị")
    p.add_argument("--commune", help="tên xã, gõ thế nào cũng được: \"Đắk Plô\", \"dak plo\"")
    p.add_argument("--unit", help="đơn vị: \"Văn phòng HĐND-UBND xã\", \"UBND xã\", ...")
    p.add_argument("--role", choices=["official", "leader", "admin"], default="official")
    p.add_argument("--province", help="tỉnh (bắt buộc với --role admin hoặc khi tạo xã mới)")
    p.add_argument("--district", help="huyện, thị xã cũ của xã mới (khi kế hoạch cấp huyện giao việc cho xã)")
    p.add_argument("--create", action="store_true", help="tạo xã hoặc đơn vị mới nếu chưa có")
    p.add_argument("--days", type=int, default=invite_flow.VALID_DAYS, help="số ngày hiệu lực (mặc định 7)")
    p.add_argument("--bot-username", help="tên bot Telegram, để in đường link mời (mặc định: TELEGRAM_BOT_USERNAME)")
    p.add_argument("--all-units", action="store_true", help="mỗi đơn vị xã của --province một mã, ghi vào --out")
    p.add_argument("--out", type=Path, help="tệp .xlsx cho --all-units: mã, hạn, link Telegram, hướng dẫn Zalo, mã QR")
    people_cli.add_sheet_options(p)
    p.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p = sub.add_parser("export", help="xuất tiến độ báo cáo ra xlsx hoặc csv")
    p.add_argument("--period", help="kỳ báo cáo, ví dụ 2024-Q2 hoặc 2024 (mặc định: mọi kỳ)")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    p.add_argument("--province", help="chỉ một tỉnh")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p = sub.add_parser("reminders", help="xem trước nhắc việc sẽ gửi vào một thời điểm")
    p.add_argument("action", choices=["preview"])
    p.add_argument("--at", required=True, help="giờ Việt Nam, ví dụ \"2024-06-01 08:00\"")
    p.add_argument("--days", type=float, default=1, help="xem trong bao nhiêu ngày kể từ --at (mặc định 1)")
    p.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p = sub.add_parser("broadcast", help="gửi thông báo (bot đang chạy sẽ gửi đi)")
    p.add_argument("--to", required=True, help="all | province:TỈNH | district:HUYỆN | commune:XÃ | role:official|"
                   "leader|admin|citizen | not-reported")
    p.add_argument("--text", required=True)
    p.add_argument("--at", help="giờ Việt Nam, ví dụ \"2024-06-01 08:00\" (mặc định: ngay)")
    p.add_argument("--province", help="giới hạn trong một tỉnh")
    p.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p = sub.add_parser("event", help="ghi ngày của một sự kiện mà hạn báo cáo tính từ đó")
    p.add_argument("action", choices=["set"])
    p.add_argument("name", choices=["papi_published"])
    p.add_argument("date", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    p.add_argument("--year", type=int, required=True, help="năm khảo sát PAPI, ví dụ 2024")
    p.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p = sub.add_parser("people", help="xem, thu hồi quyền người đã đăng ký; nhập danh sách cán bộ từ tệp")
    p.add_argument("action", choices=["list", "revoke", "import"])
    p.add_argument("id", nargs="?", metavar="ID|FILE", help="số người dùng (revoke) hoặc tệp .xlsx, .csv (import)")
    people_cli.add_import_options(p)
    p.add_argument("--bot-username", help="tên bot Telegram cho link mời trong --out (mặc định: TELEGRAM_BOT_USERNAME)")
    p.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")


def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    database = getattr(args, "db", None) or settings.database
    if args.command == "invite" and args.all_units:
        return asyncio.run(people_cli.invite_all_units(args, database, settings))
    if args.command == "invite":
        return asyncio.run(invite(args, database, settings))
    if args.command == "people" and args.action == "import":
        return asyncio.run(people_cli.import_people(args, database, settings))
    if args.command == "export":
        return asyncio.run(export_cmd(args, database, settings.zone))
    if args.command == "people":
        return asyncio.run(people_cmd(args, database))
    if args.command == "reminders":
        return asyncio.run(preview(args, database, settings))
    if args.command == "broadcast":
        return asyncio.run(broadcast(args, database, settings))
    if args.command == "event":
        return asyncio.run(event(args, database))
    return None


def local_time(text: str, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=zone)


async def preview(args: argparse.Namespace, database: Target, settings: Settings) -> int:
    zone = settings.zone
    """Exactly what the sweep would queue for that window, read from the same planner."""
    at = local_time(args.at, zone)
    async with connected(database) as db:
        items = await reminders.plan(db, load(), at, zone, until=at + dt.timedelta(days=args.days), since=at,
                                     quiet=settings.quiet_window)
        who = {m.id: m for m in await people.members(db, None)}
    if not items:
        print(f"Không có nhắc việc nào từ {at:%H:%M %d/%m/%Y} đến {at + dt.timedelta(days=args.days):%H:%M %d/%m/%Y}.")
        return 0
    for item in sorted(items, key=lambda i: (i.not_before, i.key)):
        m = who.get(item.person_id)
        person = f"#{item.person_id} {ROLE_NAMES.get(m.role, m.role)} {m.unit} – {m.commune}" if m else ""
        print(f"{item.not_before.astimezone(zone):%d/%m/%Y %H:%M}\t{item.kind}\t{person}\t{item.text.splitlines()[0]}")
    print(f"Tổng: {len(items)} tin")
    return 0


async def broadcast(args: argparse.Namespace, database: Target, settings: Settings) -> int:
    zone = settings.zone
    try:
        audience = broadcasts.Audience.parse(args.to)
        when = local_time(args.at, zone) if args.at else utc_now()
    except ValueError as bad:
        print(f"Lỗi: {bad}", file=sys.stderr)
        return 2
    kb = load()
    async with connected(database) as db:
        now = utc_now()
        ids = await broadcasts.recipients(db, kb, audience, args.province, now.astimezone(zone).date())
        send_at = hold(when.astimezone(zone), settings.quiet_window)
        number = await broadcasts.create(db, None, args.text, audience, ids, send_at, now)
    print(f"Thông báo số {number}: {len(ids)} người nhận ({audience.describe()}); bot đang chạy sẽ gửi đi.")
    return 0


async def event(args: argparse.Namespace, database: Target) -> int:
    async with connected(database) as db:
        await event_dates.record(db, args.name, args.year, args.date)
    print(f"Đã ghi: {args.name} năm {args.year} = {args.date:%d/%m/%Y}")
    return 0


async def invite(args: argparse.Namespace, database: Target, settings: Settings) -> int:
    kb = load()
    async with connected(database) as db:
        try:
            now = utc_now()
            code, where = await invite_flow.from_command_line(
                db, kb, args.commune, args.unit, args.role, args.province, args.create, args.days, now, args.district
            )
        except directory.NotFound as missing:
            print(f"Lỗi: {missing}", file=sys.stderr)
            return 2
    username = args.bot_username or settings.telegram_bot_username
    print(invite_flow.announce(code, where, args.role, now, settings.zone, username, args.days))
    return 0


async def export_cmd(args: argparse.Namespace, database: Target, zone: ZoneInfo) -> int:
    kb = load()
    async with connected(database) as db:
        province = args.province
        units = [u for u in await org.units(db, province) if u.commune]
        with tqdm(total=len(units), desc="Xuất", unit=" đơn vị", file=sys.stderr, disable=None) as bar:
            rows = await export.rows(db, kb, province, args.period, utc_now().astimezone(zone).date(), zone,
                                     progress=bar.update)
    data = export.xlsx(rows) if args.format == "xlsx" else export.csv_bytes(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"Đã xuất {len(rows)} dòng vào {args.out}")
    return 0


async def people_cmd(args: argparse.Namespace, database: Target) -> int:
    async with connected(database) as db:
        if args.action == "list":
            for m in await people.members(db, None):
                where = " – ".join(x for x in (m.unit, m.commune, m.province) if x)
                print(f"#{m.id}\t{ROLE_NAMES.get(m.role, m.role)}\t{where}\t{m.channels}")
            return 0
        target = await people.get(db, int(args.id)) if args.id and args.id.isdigit() else None
        if target is None:
            print("Lỗi: cần số người dùng có trong danh sách (python -m bot people list)", file=sys.stderr)
            return 2
        await people.set_role(db, target.id, "citizen")
        print(f"Đã thu hồi quyền của người dùng #{target.id}")
        return 0

