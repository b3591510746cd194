"""Invitation codes by the hundred, as a spreadsheet to send to every commune: one row per unit (`invite
--all-units`) or per listed person (`people import --out`), with the code, its expiry, the Telegram deep link
and its QR code (a PNG in the sheet, drawn by segno), and what to type to the Zalo Bot, which takes no payload."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from handlers.core.commands import ROLE_NAMES
from handlers.invitations.flow import deep_link, issue
from handlers.progress.export import printable
from storage import org
from storage.db import Db, transaction

QR_SCALE = 4  # pixels per module: a ~45-character link is 29 modules, so 132 px with the quiet zone
ZALO_BOT = "Trợ lý PAPI"
NO_USERNAME = "(chưa có tên bot Telegram: đặt TELEGRAM_BOT_USERNAME hoặc --bot-username)"


@dataclass(frozen=True)
class Card:
    """One code to hand out, with where it belongs; `name` and `phone` for a listed person."""

    commune: str
    unit: str
    role: str
    code: str
    expires: dt.datetime
    name: str = ""
    phone: str = ""


async def for_all_units(db: Db, province: str, role: str, days: int, now: dt.datetime) -> list[Card]:
    """A fresh code for every commune unit of the province, all issued in one transaction."""
    units = [u for u in await org.units(db, province) if u.commune]
    expires = now + dt.timedelta(days=days)
    cards = []
    async with transaction(db) as tx:
        for unit in units:
            code = await issue(tx, unit, role, province, None, now, days)
            cards.append(Card(unit.commune or "", unit.name, role, code, expires))
    return cards


def zalo_text(code: str, bot: str = ZALO_BOT) -> str:
    return f"Nhắn /dangky {code} cho Zalo Bot «{bot}» (tìm tên bot trong Zalo, bấm Quan tâm rồi gửi tin)."


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=QR_SCALE, border=2)
    return buffer.getvalue()


def workbook(cards: Sequence[Card], bot_username: str | None, zone: dt.tzinfo, zalo_bot: str = ZALO_BOT,
             title: str = "Mã mời") -> bytes:
    """The sheet: a header, then a row per card with its QR code image in the last column."""
    people = any(c.name for c in cards)
    headers = [("Họ tên", 24), ("Điện thoại", 14)] if people else []
    headers += [("Xã", 22), ("Đơn vị", 30), ("Vai trò", 16), ("Mã mời", 13), ("Hết hạn", 17), ("Link Telegram", 44),
                ("Zalo", 44), ("Mã QR", 20)]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    for i, (header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        _text(sheet, 1, i, header).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    qr_column = get_column_letter(len(headers))
    for number, card in enumerate(cards, start=2):
        link = deep_link(card.code, bot_username)
        values = [*((card.name, card.phone) if people else ()), card.commune, card.unit,
                  ROLE_NAMES.get(card.role, card.role), card.code, f"{card.expires.astimezone(zone):%H:%M %d/%m/%Y}",
                  link or NO_USERNAME, zalo_text(card.code, zalo_bot)]
        for column, value in enumerate(values, start=1):
            _text(sheet, number, column, value)
        if link:
            image = Image(io.BytesIO(qr_png(link)))
            sheet.add_image(image, f"{qr_column}{number}")
            sheet.row_dimensions[number].height = image.height * 0.75 + 4  # points; the image is in pixels
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    """Text stays text: a name starting with "=" is never a formula (as in the progress export)."""
    cell = sheet.cell(row=row, column=column)
    cell.value, cell.data_type = printable(value), "s"
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell
