"""A plan file (.xlsx template or a Word .docx) as grids of text: one per sheet or per table, merged cells filled
with the merged value, so a lead unit written once beside three tasks belongs to all three.

Files are refused whole, with one line, as `org import` refuses spreadsheets (handlers/org/sheet.py does the
checks for .xlsx; the .docx checks mirror them): empty, over 10 MB, password-protected, macro-enabled, old
binary Office formats, or another file renamed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from handlers.org import sheet
from handlers.org.sheet import Refused

MAX_ROWS = 2_000  # a plan has tens or hundreds of tasks; more rows than this is another kind of file


@dataclass(frozen=True)
class Grid:
    name: str  # the sheet's name, or "Bảng 2" for a Word table
    rows: list[tuple[int, list[str]]]  # (row number as the sheet or table shows it, cells)
    word: bool = False

    def where(self, row: int) -> str:
        return f"Bảng «{self.name}», dòng {row}" if self.word else f"Trang «{self.name}», dòng {row}"


@dataclass(frozen=True)
class Document:
    grids: list[Grid]
    paragraphs: list[str]  # a Word file's text outside its tables (title, number, date, "Tỉnh: …")


def read(path: Path) -> Document:
    sheet.check_size(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb", ".docm", ".dotm"):
        raise Refused("Tệp có macro không được nhận: hãy lưu lại dạng .xlsx hoặc .docx.")
    if suffix == ".xlsx":
        sheet.check_office(path)
        return Document(_workbook(path), [])
    if suffix == ".docx":
        sheet.check_office(path, "Word", ".docx", "word/document.xml")
        return _word(path)
    if suffix in (".doc", ".xls"):
        raise Refused(f"Đây là định dạng Office cũ ({suffix}): hãy mở và lưu lại dạng .docx hoặc .xlsx.")
    raise Refused(f"Chỉ nhận tệp .xlsx (theo mẫu) hoặc .docx (tệp này là «{suffix or 'không có đuôi'}»).")


def text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")  # a date typed into Excel comes back as a datetime
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"[ \t]+", " ", unicodedata.normalize("NFC", str(value))).strip()


def _limited(grid_rows: list[tuple[int, list[str]]], name: str) -> list[tuple[int, list[str]]]:
    rows = [(n, cells) for n, cells in grid_rows if any(cells)]
    if len(rows) > MAX_ROWS:
        raise Refused(f"«{name}» có hơn {MAX_ROWS} dòng: đây không giống một kế hoạch; hãy tách thành nhiều tệp.")
    return rows


def _workbook(path: Path) -> list[Grid]:
    from openpyxl import load_workbook  # imported when used: the bot's start-up does not need it

    try:  # not read-only: merged cells are known only to a fully loaded sheet
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; to a person they are one
        raise Refused(f"Không đọc được tệp Excel ({type(exc).__name__}): hãy mở bằng Excel và lưu lại.") from None
    grids = []
    for ws in book.worksheets:
        values = [[text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            top = values[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(values) else ""
            for r in range(merged.min_row, min(merged.max_row, len(values)) + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if c - 1 < len(values[r - 1]):
                        values[r - 1][c - 1] = top
        grids.append(Grid(ws.title, _limited(list(enumerate(values, 1)), ws.title)))
    book.close()
    return grids


def _word(path: Path) -> Document:
    import docx  # python-docx; imported when used

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # a damaged archive or XML: one message
        raise Refused(f"Không đọc được tệp Word ({type(exc).__name__}): hãy mở bằng Word và lưu lại.") from None
    grids = []
    for number, table in enumerate(document.tables, 1):
        # row.cells repeats a horizontally merged cell, and gives a vertically merged one the text of its top
        rows = [(n, [text(cell.text) for cell in row.cells]) for n, row in enumerate(table.rows, 1)]
        grids.append(Grid(str(number), _limited(rows, f"Bảng {number}"), word=True))
    paragraphs = [text(p.text) for p in document.paragraphs if p.text.strip()]
    return Document(grids, paragraphs)
