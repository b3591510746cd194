"""`people import FILE [--out FILE.xlsx]` and `invite --all-units --province X --out FILE.xlsx`: officials from a
Sở's list, and invitation codes by the hundred as a spreadsheet with QR codes. Exit status 0 when done, 2 for
what the operator can fix (a bad file or row, an unknown province)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.problems import print_invalid
from bot.settings import Settings
from handlers.invitations import bulk
from handlers.org import sheet
from handlers.people import importer
from handlers.people.phones import shown
from handlers.people.places import Places, Unknown
from storage.db import Target, connected, utc_now


def add_import_options(p: argparse.ArgumentParser) -> None:
    """Options of `people import`, beside `people list | revoke ID` (the file takes the ID's place)."""
    p.add_argument("--out", type=Path, help="tệp .xlsx ghi mã mời của những người vừa được cấp mã (kèm mã QR)")
    p.add_argument("--days", type=int, default=importer.VALID_DAYS,
                   help=f"số ngày hiệu lực của mã (mặc định {importer.VALID_DAYS})")
    p.add_argument("--reissue", action="store_true", help="cấp mã mới cho mọi người chưa đăng ký (mã cũ hết hiệu lực)")
    add_sheet_options(p)


def add_sheet_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--zalo-bot", default=bulk.ZALO_BOT, help=f"tên Zalo Bot in trong hướng dẫn (mặc định "
                   f"«{bulk.ZALO_BOT}»)")


def _fail(line: str) -> int:
    print(f"Lỗi: {line}", file=sys.stderr)
    return 2


async def import_people(args: argparse.Namespace, database: Target, settings: Settings) -> int:
    path = Path(args.id or "")
    if not args.id:
        return _fail("cần tệp danh sách: python -m bot people import DANH_SACH.xlsx")
    now = utc_now()
    async with connected(database) as db:
        try:
            result = await importer.import_file(db, path, now, args.days, args.reissue)
        except sheet.Refused as refused:
            return _fail(f"{path.name}: {refused}")
        except importer.Invalid as invalid:
            return _invalid(path, invalid)
    for line in result.kept_revoked:
        print(f"Bỏ qua: {line}", file=sys.stderr)
    print(f"Đã nhập {path.name}: {len(result.people)} người (thêm {result.added}, cập nhật {result.updated}, "
          f"không đổi {result.unchanged}); gắn {result.linked} tài khoản Zalo/Telegram; "
          f"cấp {len(result.coded)} mã mời.")
    if args.out and result.coded:
        cards = [_card(p, result.expires or now) for p in result.coded]
        _write(args.out, bulk.workbook(cards, _username(args, settings), settings.zone, args.zalo_bot,
                                       "Mã mời cán bộ"), len(cards))
    elif args.out:
        print("Không có mã mới nào để ghi (ai cũng đã đăng ký hoặc còn mã chưa hết hạn; --reissue để cấp lại).")
    return 0


def _card(person: importer.Person, expires: dt.datetime) -> bulk.Card:
    commune = person.unit.commune or "" if person.unit else ""
    unit = person.unit.name if person.unit else f"quản trị tỉnh {person.entry.province}"
    return bulk.Card(commune, unit, person.entry.role, person.code or "", expires, person.entry.name,
                     shown(person.entry.phone))


def _invalid(path: Path, invalid: importer.Invalid) -> int:
    return print_invalid(path.name, invalid.problems)


async def invite_all_units(args: argparse.Namespace, database: Target, settings: Settings) -> int:
    if not args.province or not args.out:
        return _fail("--all-units cần --province TỈNH và --out TỆP.xlsx.")
    if args.role == "admin":
        return _fail("--all-units cấp mã cho cán bộ hoặc lãnh đạo các đơn vị xã, không cho quản trị.")
    now = utc_now()
    async with connected(database) as db:
        try:
            province = (await Places.read(db)).province(args.province)
            cards = await bulk.for_all_units(db, province, args.role, args.days, now)
        except Unknown as unknown:
            return _fail(str(unknown))
    _write(args.out, bulk.workbook(cards, _username(args, settings), settings.zone, args.zalo_bot,
                                   f"Mã mời {province}"), len(cards))
    return 0


def _username(args: argparse.Namespace, settings: Settings) -> str | None:
    name: str | None = args.bot_username or settings.telegram_bot_username
    if not name:
        print(f"Lưu ý: {bulk.NO_USERNAME}; tệp không có link và mã QR Telegram.", file=sys.stderr)
    return name


def _write(out: Path, data: bytes, count: int) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Đã ghi {count} mã mời vào {out}")
