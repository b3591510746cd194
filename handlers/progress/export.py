"""The quarterly picture for Sở Nội vụ: one row per task, unit and period, with the latest report.

Rows are built once and written as xlsx (openpyxl: frozen header, column widths, Vietnamese headers) or CSV
(UTF-8 with BOM, so Excel opens the diacritics correctly), always as text where people typed it (no formula
injection) and without control characters. Times are shown in the configured zone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from content.loader import KnowledgeBase
from handlers.core import render
from handlers.core.context import Ctx
from handlers.core.messages import Render, Reply
from handlers.plans.active import clamp, every_plan
from handlers.reports.assignments import tasks_for
from storage import org, people, reports, reviews
from storage.db import Database
from storage.reports import STATUSES

HEADERS = (
    ("Kỳ báo cáo", 12), ("Tỉnh", 14), ("Huyện (trước 7/2025)", 16), ("Xã", 14), ("Đơn vị", 28),
    ("Kế hoạch", 22), ("Mã nhiệm vụ", 10), ("Nhiệm vụ", 50), ("Chỉ số nội dung", 12), ("Hạn", 12),
    ("Tình trạng", 16), ("Tỷ lệ (%)", 9), ("Nội dung đã làm", 60), ("Khó khăn, đề xuất", 40),
    ("Số minh chứng", 10), ("Người báo cáo", 20), ("Thời gian báo cáo", 18), ("Duyệt", 12),
    ("Nhận xét khi duyệt", 40),
)
NOT_REPORTED = "Chưa báo cáo"
COMMUNE, UNIT = 3, 4  # where Row.values hold the commune and the unit (HEADERS)


@dataclass(frozen=True)
class Row:
    values: tuple[object, ...]


async def rows(
    db: Database,
    kb: KnowledgeBase,
    province: str | None,
    period: str | None,
    today: dt.date,
    zone: ZoneInfo,
    progress: Callable[[int], None] = lambda n: None,
) -> list[Row]:
    """Every assigned (task, unit) for the period asked, or for every period reported plus the current one."""
    units = [u for u in await org.units(db, province) if u.commune is not None]
    current = await reports.current(db, [u.id for u in units])
    reported: dict[tuple[str, str, int], set[str]] = {}
    for plan_id, task_id, unit_id, key in current:
        reported.setdefault((plan_id, task_id, unit_id), set()).add(key)
    names = await people.display_names(db)
    decided = await reviews.latest(db, [r.id for r in current.values()])
    every = await every_plan(db, kb)  # history too: a plan that has ended shows its last period
    out: list[Row] = []
    for unit in units:
        for a in tasks_for(every, unit):
            now_period = a.period(clamp(a.plan, today))
            keys = reported.get((a.plan.id, a.task.id, unit.id), set())
            wanted = [period] if period else sorted(keys | {now_period.key})
            for key in wanted:
                report = current.get((a.plan.id, a.task.id, unit.id, key))
                due = f"{now_period.due:%d/%m/%Y}" if key == now_period.key else ""
                base = (key, unit.province, unit.district or "", unit.commune, unit.name,
                        render.plan_label(a.plan), a.task.id, a.task.title,
                        ", ".join(str(d) for d in a.task.dimensions), due)
                if report is None:
                    out.append(Row((*base, NOT_REPORTED, None, "", "", 0, "", "", "", "")))
                    continue
                review = decided.get(report.id)
                out.append(Row((*base, STATUSES[report.status], report.percent, report.done_text,
                                report.difficulties or "", report.evidence_count, names.get(report.reporter_id, ""),
                                report.submitted_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
                                reviews.LABELS[reviews.status(decided, report.id)],
                                (review.comment or "") if review else "")))
        progress(1)
    return out


def printable(text: str) -> str:
    """Control characters (other than tab and newline) removed: the xlsx format cannot hold them, and one in a
    stored report must not make the whole province's export fail."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _cell(sheet: WriteOnlyWorksheet, value: object, header: bool = False) -> WriteOnlyCell:
    """Text stays text: a value people typed that starts with "=" is never a live formula (OWASP)."""
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=None)
        cell.value, cell.data_type = printable(value), "s"  # set after: assigning infers a formula from "="
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if header:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def xlsx(data: Sequence[Row]) -> bytes:
    """Written in openpyxl's write-only mode, row by row: memory stays flat for a national export."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tiến độ PAPI")
    for i, (_, width) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{len(data) + 1}"
    sheet.append([_cell(sheet, h, header=True) for h, _ in HEADERS])
    for row in data:
        sheet.append([_cell(sheet, v) for v in row.values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: object) -> object:
    """OWASP's rule for CSV opened in Excel: a text starting like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = printable(value)
        return "'" + text if text.startswith(FORMULA_START) else text
    return value


def csv_bytes(data: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([h for h, _ in HEADERS])
    writer.writerows([_csv_value(v) for v in row.values] for row in data)
    return buffer.getvalue().encode("utf-8-sig")


async def export_file(ctx: Ctx, arg: str) -> Reply:
    """/xuat [kỳ]: the progress picture of the admin's province as an Excel file."""
    period = arg.strip().upper() or None
    data = await rows(ctx.db, ctx.kb, ctx.person.province, period, ctx.today, ctx.zone)
    name = f"tien-do-papi-{period or 'tat-ca'}-{ctx.today:%Y%m%d}.xlsx"
    return Reply(f"Báo cáo tiến độ {period or 'mọi kỳ'}: {len(data)} dòng.", render=Render(xlsx, (data,), "document"),
                 document_name=name)
