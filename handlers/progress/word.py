"""The period's report drafted as a Word file (.docx), for the Sở or the commune to edit and sign instead of
retyping: the usual báo cáo layout (Nghị định 30/2020: the issuing body and the national motto side by side,
"Số: …" and the date left to fill), then an overview, per task what was done by commune with the percent and
the difficulties, the difficulties gathered, and who has not reported.

The figures are those of the progress page and /tiendo: the current period of each task in force, counted by
`unit_progress`'s rule (a task is reported when its unit has a current report for that period). Nothing is
written that the reports do not say; the places a person must fill are dotted. `gather` reads the database;
`docx` is pure and runs in the worker process like the Excel file.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from content.loader import KnowledgeBase
from handlers.core import render
from handlers.plans.active import active_plans
from handlers.progress.export import printable
from handlers.reports.assignments import due_first
from storage import org, reports, reviews
from storage.db import Db
from storage.reports import STATUSES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Line:
    commune: str
    unit: str
    status: str  # the report's status, or "Chưa báo cáo" / "Quá hạn, chưa báo cáo"
    percent: int | None
    done: str
    difficulties: str
    review: str  # Chờ duyệt / Đã duyệt / Trả lại, or "" when not reported


@dataclass(frozen=True)
class Block:
    """One task of one plan, with a line per unit it is assigned to."""

    title: str
    plan: str
    period: str
    due: dt.date
    lines: tuple[Line, ...]

    @property
    def reported(self) -> list[Line]:
        return [line for line in self.lines if line.percent is not None]


@dataclass(frozen=True)
class Summary:
    scope: str  # "Kon Tum", or "Đắk Plô (Kon Tum)" for a leader
    issuer: tuple[str, str]  # the body above and the issuing body, as the header names them
    day: dt.date
    communes: int
    blocks: tuple[Block, ...]


def issuer(province: str | None, commune: str | None) -> tuple[str, str]:
    if commune:
        return f"UBND TỈNH {(province or '……').upper()}", f"UBND XÃ {commune.upper()}"
    return (f"UBND TỈNH {province.upper()}", "SỞ NỘI VỤ") if province else ("……", "……")


async def gather(db: Db, kb: KnowledgeBase, province: str | None, commune_id: int | None, scope: str,
                 day: dt.date, issuer: tuple[str, str]) -> Summary:
    units = [u for u in await org.units(db, province) if u.commune and (commune_id is None or u.commune_id ==
                                                                           commune_id)]
    plans = await active_plans(db, kb, day)
    current = await reports.current(db, [u.id for u in units])
    decided = await reviews.latest(db, [r.id for r in current.values()])
    blocks: dict[tuple[str, str], tuple[Block, list[Line]]] = {}
    seen_communes = set()
    for unit in units:
        for a in due_first(plans, unit, day):
            period = a.period(day)
            report = current.get((a.plan.id, a.task.id, unit.id, period.key))
            seen_communes.add(unit.commune_id)
            _, lines = blocks.setdefault((a.plan.id, a.task.id), (
                Block(f"{a.task.id}. {a.task.title}", render.plan_label(a.plan), period.label, period.due, ()), []))
            commune = f"{unit.commune} ({unit.province})" if province is None else unit.commune or ""
            if report is None:
                missing = "Quá hạn, chưa báo cáo" if period.due < day else "Chưa báo cáo"
                lines.append(Line(commune, unit.name, missing, None, "", "", ""))
            else:
                lines.append(Line(commune, unit.name, STATUSES[report.status], report.percent, report.done_text,
                                  report.difficulties or "", reviews.LABELS[reviews.status(decided, report.id)]))
    ordered = sorted(blocks.values(), key=lambda pair: (pair[0].due, pair[0].plan, pair[0].title))
    built = tuple(Block(b.title, b.plan, b.period, b.due, tuple(lines)) for b, lines in ordered)
    return Summary(scope, issuer, day, len(seen_communes), built)


def _percent(part: int, whole: int) -> int:
    return (200 * part + whole) // (2 * whole) if whole else 0  # half up, as the chart rounds


def docx(draft: Summary) -> bytes:
    import docx as word  # python-docx, in the worker: imported when used
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = word.Document()
    style: Any = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    for section in doc.sections:
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)

    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    above, body = draft.issuer
    left.paragraphs[0].add_run(f"{above}\n")
    left.paragraphs[0].add_run(f"{body}\n").bold = True
    left.paragraphs[0].add_run("Số: …/BC-……")
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n").bold = True
    right.paragraphs[0].add_run("Độc lập - Tự do - Hạnh phúc\n").bold = True
    right.paragraphs[0].add_run(f"……, ngày {draft.day.day} tháng {draft.day.month} năm {draft.day.year}").italic = True
    for cell in (left, right):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("\nBÁO CÁO\n").bold = True
    title.add_run(f"Tình hình thực hiện kế hoạch nâng cao Chỉ số PAPI – {draft.scope}\n").bold = True
    title.add_run(f"(số liệu đến ngày {draft.day:%d/%m/%Y}, kỳ báo cáo hiện tại của từng nhiệm vụ)").italic = True

    lines = [line for block in draft.blocks for line in block.lines]
    reported = [line for line in lines if line.percent is not None]
    late = [line for line in lines if line.status.startswith("Quá hạn")]
    doc.add_heading("I. Tổng quan", level=2)
    doc.add_paragraph(
        f"{draft.communes} xã, phường; {len(draft.blocks)} nhiệm vụ; {len(lines)} lượt giao nhiệm vụ cho đơn vị. "
        f"Đã báo cáo {len(reported)}/{len(lines)} ({_percent(len(reported), len(lines))}%), "
        f"quá hạn chưa báo cáo {len(late)}, chưa đến hạn {len(lines) - len(reported) - len(late)}.")

    doc.add_heading("II. Kết quả thực hiện theo nhiệm vụ", level=2)
    for block in draft.blocks:
        done = block.reported
        doc.add_heading(block.title, level=3)
        mean = f", tỷ lệ thực hiện bình quân {round(sum(x.percent or 0 for x in done) / len(done))}%" if done else ""
        doc.add_paragraph().add_run(f"{block.plan} · kỳ {block.period}, hạn {block.due:%d/%m/%Y}. "
                                    f"Đã báo cáo {len(done)}/{len(block.lines)} đơn vị{mean}.").italic = True
        _table(doc, ("Xã", "Đơn vị", "Tình trạng", "Tỷ lệ", "Đã làm", "Khó khăn, đề xuất", "Duyệt"),
               [(x.commune, x.unit, x.status, f"{x.percent}%" if x.percent is not None else "", x.done,
                 x.difficulties, x.review) for x in block.lines])

    doc.add_heading("III. Khó khăn, vướng mắc và đề xuất", level=2)
    asked = [(block, x) for block in draft.blocks for x in block.lines if x.difficulties]
    if not asked:
        doc.add_paragraph("Các đơn vị chưa nêu khó khăn, vướng mắc nào trong báo cáo.")
    for block, x in asked:
        doc.add_paragraph(f"{x.commune} – {x.unit} ({block.title}): {printable(x.difficulties)}", style="List Bullet")

    doc.add_heading("IV. Đơn vị chưa báo cáo", level=2)
    missing = [(block, x) for block in draft.blocks for x in block.lines if x.percent is None]
    if not missing:
        doc.add_paragraph("Tất cả các đơn vị đã báo cáo.")
    else:
        _table(doc, ("Xã", "Đơn vị", "Nhiệm vụ", "Hạn", "Tình trạng"),
               [(x.commune, x.unit, block.title, f"{block.due:%d/%m/%Y}", x.status)
                for block, x in sorted(missing, key=lambda p: (p[1].commune, p[1].unit, p[0].due))])

    sign = doc.add_table(rows=1, cols=2)
    sign.rows[0].cells[0].paragraphs[0].add_run("\nNơi nhận:\n- ……;\n- Lưu: VT.").italic = True
    ends = sign.rows[0].cells[1].paragraphs[0]
    ends.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ends.add_run("\nTHỦ TRƯỞNG CƠ QUAN\n").bold = True
    ends.add_run("(Ký, ghi rõ họ tên)").italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = printable(text)
