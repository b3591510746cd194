"""A spreadsheet a province already has (.xlsx or .csv) as rows of text, read defensively: an empty, huge,
password-protected, macro-enabled or non-Office file is refused with one line before a row is read. The header
is found among the first rows (a title often sits above it) and its columns are recognised as people name them."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import load_workbook

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNZIPPED = 200 * 1024 * 1024  # a 10 MB .xlsx that unpacks to gigabytes is a bomb, not a list of communes
HEADER_ROWS = 10
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls are both OLE compound files
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")

Recognise = Callable[[str], bool]


class Refused(Exception):
    """The file as a whole cannot be read; the message is one line a person can act on."""


class NoHeader(Refused):
    """No row among the first names every column (a workbook's next sheet may have it)."""


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as written, for messages


@dataclass(frozen=True)
class Table:
    columns: dict[str, Column]
    rows: list[tuple[int, list[str]]]  # (row number as the sheet shows it, cells)
    sheet: str | None = None  # named in messages when the workbook has several

    def where(self, row: int) -> str:
        return f"Trang «{self.sheet}», dòng {row}" if self.sheet else f"Dòng {row}"

    def cell(self, cells: list[str], field: str) -> str:
        index = self.columns[field].index
        return cells[index] if index < len(cells) else ""


def read(path: Path, fields: Mapping[str, Recognise], optional: Mapping[str, Recognise] | None = None,
         max_rows: int = MAX_ROWS) -> Table:
    """The rows under the header that names every field (each recognised by its function); the `optional`
    fields found in that header row are in `Table.columns` too."""
    extra = optional or {}
    check_size(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise Refused("Tệp Excel có macro không được nhận: hãy lưu lại dạng .xlsx (Excel Workbook).")
    if suffix == ".xlsx":
        check_office(path)
        return _xlsx_table(path, fields, extra, max_rows)
    if suffix == ".csv":
        return _table(_csv_rows(path), fields, extra, max_rows)
    raise Refused(f"Chỉ nhận tệp .xlsx hoặc .csv (tệp này là «{suffix or 'không có đuôi'}»).")


def check_size(path: Path) -> None:
    """Every file a Sở sends (a sheet, a plan, a PAPI edition) is refused in one line when it cannot be opened, is
    empty, or is larger than MAX_BYTES."""
    try:
        size = path.stat().st_size
    except OSError:
        raise Refused(f"Không mở được tệp {path}.") from None
    if size == 0:
        raise Refused("Tệp trống.")
    if size > MAX_BYTES:
        raise Refused(f"Tệp {size / 1024 / 1024:.1f} MB, lớn quá {MAX_BYTES // 1024 // 1024} MB.")


def check_office(path: Path, app: str = "Excel", suffix: str = ".xlsx", main_part: str = "xl/workbook.xml") -> None:
    """Refuse, in one line, an Office file that is encrypted, of the old binary format, macro-enabled, a zip
    bomb, or not that kind of file at all (plan import checks .docx files the same way)."""
    old = {".xlsx": ".xls", ".docx": ".doc"}[suffix]
    with path.open("rb") as file:
        head = file.read(len(_OLE))
    if head == _OLE:
        if _ENCRYPTED in path.read_bytes():
            raise Refused(f"Tệp có mật khẩu: hãy mở bằng {app}, bỏ mật khẩu rồi lưu lại.")
        raise Refused(f"Đây là tệp {app} cũ ({old}): hãy mở bằng {app} và lưu lại dạng {suffix}.")
    if not zipfile.is_zipfile(path):
        raise Refused(f"Tệp không phải tệp {app} {suffix} (có thể là tệp khác bị đổi đuôi).")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise Refused(f"Tệp {app} có macro không được nhận: hãy lưu lại dạng {suffix}.")
        if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED:
            raise Refused("Tệp giải nén ra quá lớn: hãy tách thành nhiều tệp.")
        if main_part not in names:
            raise Refused(f"Tệp không phải tệp {app} {suffix} (có thể là tệp khác bị đổi đuôi).")


def _xlsx_table(path: Path, fields: Mapping[str, Recognise], optional: Mapping[str, Recognise],
                max_rows: int) -> Table:
    """The first sheet with the header: an instructions sheet often comes before the list."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; to a person they are one
        raise Refused(f"Không đọc được tệp Excel ({type(exc).__name__}): hãy mở bằng Excel và lưu lại.") from None
    try:
        first: NoHeader | None = None
        for sheet in book.worksheets:
            rows = ((n, [_text(v) for v in values]) for n, values in enumerate(sheet.iter_rows(values_only=True), 1))
            try:
                table = _table(rows, fields, optional, max_rows)
            except NoHeader as missing:  # or an empty sheet
                first = first or missing
                continue
            return replace(table, sheet=sheet.title) if len(book.worksheets) > 1 else table
        raise first or Refused("Tệp Excel không có trang tính nào.")
    except Refused:
        raise
    except Exception as exc:  # damaged XML inside the archive shows only once its rows are read
        raise Refused(f"Không đọc được tệp Excel ({type(exc).__name__}): hãy mở bằng Excel và lưu lại.") from None
    finally:
        book.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    data = path.read_bytes()
    if b"\x00" in data or data.startswith((b"PK\x03\x04", _OLE)):
        raise Refused("Tệp không phải tệp CSV (văn bản): tệp Excel thì đặt đuôi .xlsx.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")  # Excel's "CSV" on a Vietnamese Windows
    text = unicodedata.normalize("NFC", text)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), dialect), 1):
            yield number, [v.strip() for v in values]
    except csv.Error as exc:  # e.g. a field over csv's 128 KB limit
        raise Refused(f"Tệp CSV hỏng ({exc}).") from None


def _table(rows: Iterator[tuple[int, list[str]]], fields: Mapping[str, Recognise],
           optional: Mapping[str, Recognise], max_rows: int) -> Table:
    best: tuple[int, dict[str, Column]] = (0, {})
    data: list[tuple[int, list[str]]] = []
    columns: dict[str, Column] | None = None
    seen = False
    for number, cells in rows:
        seen = seen or any(cells)
        if columns is None:
            found = _columns(cells, fields)
            if len(found) == len(fields):
                columns = {**found, **_columns(cells, optional, {c.index for c in found.values()})}
            elif len(found) > len(best[1]):
                best = (number, found)
            if columns is None and number >= HEADER_ROWS:
                raise NoHeader(_missing(best, fields))
            continue
        if not any(cells):
            continue
        if len(data) == max_rows:
            raise Refused(f"Tệp có hơn {_thousands(max_rows)} dòng dữ liệu: hãy tách thành nhiều tệp.")
        data.append((number, cells))
    if columns is None:
        raise NoHeader(_missing(best, fields) if seen else "Tệp không có dòng nào.")
    if not data:
        raise Refused("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    return Table(columns, data)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _columns(cells: list[str], fields: Mapping[str, Recognise], taken: set[int] | None = None) -> dict[str, Column]:
    """Each field's first column whose header it recognises; a header is given to one field only (and none of
    the columns `taken` already)."""
    found: dict[str, Column] = {}
    for index, header in enumerate(cells):
        if taken and index in taken:
            continue
        for field, recognise in fields.items():
            if field not in found and header and recognise(header):
                found[field] = Column(index, header)
                break
    return found


def _missing(best: tuple[int, dict[str, Column]], fields: Mapping[str, Recognise]) -> str:
    wanted = ", ".join(f"«{f}»" for f in fields)
    if not best[1]:
        return f"Không tìm thấy dòng tiêu đề với các cột {wanted} trong {HEADER_ROWS} dòng đầu."
    lacking = ", ".join(f"«{f}»" for f in fields if f not in best[1])
    return f"Dòng {best[0]} (tiêu đề): thiếu cột {lacking}; cần các cột {wanted}."
