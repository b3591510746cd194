"""A PAPI edition from a file, read and checked before anything is saved (`python -m bot scores import`).

Two layouts are read, in any sheet of a workbook or in a CSV file:
- indicators in rows, provinces in columns: the bilingual provincial indicator workbook PAPI publishes (a
  Vietnamese and an English label column, «Chỉ số nội dung 1: …» / «Dimension 1: …», «1.1: …», the unweighted
  total; weighted scores, confidence intervals and standard errors are left aside), one sheet for the
  dimensions and one for the sub-dimensions, or a sheet per year;
- provinces in rows: the CSV of shared/data (`province_vi`, `year`, `D1`…`D8`, `total_papi`), or its long form
  (`year`, `province`, `code`, `score`).
Header words and province names are matched as people type them (no diacritics, «TP. Hồ Chí Minh», «Ho Chi Minh
City», «Huế» or «Thừa Thiên Huế») against the map of the year: the 63 former provinces until 2024, the 34 of
July 2025 from 2025. A 0 is read as no data: the published sheets hold 0 where a province has no score.

Every problem names its row (and sheet and column) in Vietnamese; the edition is valid only without any.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from content.models import ProvinceAlias
from content.normalize import strip_diacritics
from content.scores import ProvinceMap, ProvinceYear, map_size, six_total
from handlers.core import render
from handlers.org import sheet
from handlers.org.sheet import Refused

HEADER_ROWS = 30  # the published sheets have a title block of a few rows above the header
MAX_ROWS = 5_000  # 63 provinces × 37 scores in the long form is 2,331 rows
DIMENSION = (1.0, 10.0)
SUB_SCALES = {4: (0.25, 2.5), 3: (0.33, 10 / 3)}  # by how many sub-dimensions the dimension has
SUB_COUNT = {1: 4, 2: 4, 3: 3, 4: 4, 5: 3, 6: 4, 7: 3, 8: 3}
# The total is the sum of the dimensions; each figure printed with 2 decimals is off by up to 0.005, so the
# sum of 8 by up to 0.04 and the total by 0.005 more. Full-precision files agree within 1e-5.
ROUNDING = 0.05

_SKIP = re.compile(r"\b(?:co trong so|weighted|95|ci|tin cay|sai so|se|std|lower|upper|can tren|can duoi|n)\b")
_TOTAL = {"total", "total papi", "tong", "tong diem", "tong diem papi", "diem tong hop", "chi so papi tong hop",
          "papi", "unweighted papi score", "diem papi"}
_SUB = re.compile(r"^(?:noi dung thanh phan |sub dimension |subdimension )?([1-8])[.,]([1-5])\b")
_DIM = re.compile(r"^(?:chi so noi dung|chi so|dimension|noi dung|linh vuc|cs|d)\s?(?:so )?([1-8])\b(?![.,][0-9])")
PROVINCE_HEADERS = {"tinh", "province", "province vi", "ten tinh", "tinh thanh pho", "tinh thanh", "dia phuong",
                    "province name", "tinh tp"}
CODE_HEADERS = {"code", "ma", "ma chi so", "chi so", "indicator"}
SCORE_HEADERS = {"score", "diem", "gia tri", "value"}
YEAR_HEADERS = {"year", "nam"}
_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp)\s+")
_SUFFIX = re.compile(r"\s+(?:city|province)$")


def key(text: object) -> str:
    """'TP. Hồ Chí Minh' -> 'tp ho chi minh', '1.1: Tri thức*' -> '1.1 tri thuc': punctuation and footnote
    asterisks gone, a code's dot kept."""
    return " ".join(re.findall(r"[a-z0-9]+(?:[.,][0-9]+)?", strip_diacritics(str(text or ""))))


def place_key(text: object) -> str:
    """'TP. Hồ Chí Minh', 'Ho Chi Minh City', 'thành phố Hồ Chí Minh' -> 'ho chi minh'."""
    return _SUFFIX.sub("", _PREFIX.sub("", key(text)))


def code_of(label: object) -> str | None:
    """'Chỉ số nội dung 3: …', 'Dimension 3', 'D3' -> 'D3'; '3.2: …' -> '3.2'; the unweighted total -> 'total'.
    None for anything else (weighted scores, intervals, standard errors, names, notes)."""
    k = key(label)
    if not k:
        return None
    if "khong co trong so" in k or "unweighted" in k:
        return "total"
    if _SKIP.search(k):
        return None
    if k in _TOTAL:
        return "total"
    if m := _SUB.match(k):
        return f"{m.group(1)}.{m.group(2)}"
    if m := _DIM.match(k):
        return f"D{m.group(1)}"
    return None


@dataclass(frozen=True)
class Sheet:
    name: str  # "" for a CSV file
    rows: list[tuple[int, list[object]]]  # (row number as the sheet shows it, cells)


def read(path: Path) -> list[Sheet]:
    """The file's cells; refused whole (one line) when it is not a readable .xlsx or .csv."""
    sheet.check_size(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        sheet.check_office(path)
        return _workbook(path)
    if suffix == ".csv":
        return [Sheet("", _limited(_csv(path), path.name))]
    if suffix in (".xlsm", ".xls", ".xlsb"):
        raise Refused(f"Tệp {suffix} không được nhận: hãy mở bằng Excel và lưu lại dạng .xlsx.")
    raise Refused(f"Chỉ nhận tệp .xlsx hoặc .csv (tệp này là «{suffix or 'không có đuôi'}»).")


def _workbook(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook  # imported when used

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; to a person they are one
        raise Refused(f"Không đọc được tệp Excel ({type(exc).__name__}): hãy mở bằng Excel và lưu lại.") from None
    try:
        return [Sheet(ws.title, _limited(((n, list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), 1)),
                                         ws.title)) for ws in book.worksheets]
    finally:
        book.close()


def _csv(path: Path) -> Iterable[tuple[int, list[object]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("Tệp CSV không phải UTF-8: hãy lưu lại dạng «CSV UTF-8».") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return ((n, list[object](cells)) for n, cells in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), 1))


def _limited(rows: Iterable[tuple[int, list[object]]], name: str) -> list[tuple[int, list[object]]]:
    kept: list[tuple[int, list[object]]] = []
    for n, cells in rows:
        if any(c not in (None, "") for c in cells):
            kept.append((n, cells))
        if len(kept) > MAX_ROWS:
            raise Refused(f"«{name}» có hơn {MAX_ROWS} dòng: đây không giống bảng điểm PAPI cấp tỉnh.")
    return kept


# --- province names on the map of the year ----------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """The provinces of one map, by every way of writing them; former provinces a 34-province file may not name."""

    year: int
    names: tuple[str, ...]
    by_key: Mapping[str, str]
    gone: Mapping[str, str]  # a former province's key -> the new province it is now part of

    def find(self, typed: object) -> str | None:
        return self.by_key.get(place_key(typed))


def names_for(year: int, aliases: Iterable[ProvinceAlias], provinces: ProvinceMap) -> Names:
    known: dict[str, str] = {}
    gone: dict[str, str] = {}
    aliases = list(aliases)
    if map_size(year) == 63:
        for a in aliases:
            for typed in (a.name, *a.aliases):
                known.setdefault(place_key(typed), a.name)
        return Names(year, tuple(a.name for a in aliases), known, gone)
    for p in provinces.provinces:
        known[place_key(p.name)] = p.name
    for a in aliases:
        new = provinces.successor(a.name)
        if new is None:
            continue
        for typed in (a.name, *a.aliases):
            k = place_key(typed)
            if new.merged and a.name != new.name:
                gone.setdefault(k, new.name)
            else:  # the same province (Hà Tĩnh) or renamed (Thừa Thiên Huế is Huế): its other names too
                known.setdefault(k, new.name)
    return Names(year, provinces.names, known, gone)


# --- the scores found, then checked -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: float
    where: str  # "Dòng 7, cột E (trang «Chỉ số nội dung»)"


@dataclass
class Parsed:
    year: int
    found: dict[str, dict[str, Cell]] = field(default_factory=dict)  # province -> code -> value
    places: dict[str, str] = field(default_factory=dict)  # province -> where it was first named
    sub_names: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # the sheets scores were read from
    rows: tuple[ProvinceYear, ...] = ()
    missing: tuple[str, ...] = ()  # provinces of the map without any score

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.rows)


def _where(sheet_name: str, row: int, column: int | None = None) -> str:
    place = f"Dòng {row}" + (f", cột {get_column_letter(column + 1)}" if column is not None else "")
    return place + (f" (trang «{sheet_name}»)" if sheet_name else "")


def _number(value: object) -> float | str | None:
    """A float, None for an empty cell or a 0 (no data in the published sheets), or the text that is no number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return float(value) or None
    text = str(value).strip().replace("\u00a0", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # "5,43": a decimal comma
    try:
        return float(text) or None
    except ValueError:
        return str(value).strip()


def parse(sheets: list[Sheet], names: Names) -> Parsed:
    """Every score the file holds for the year, and every problem with the cells that hold them."""
    out = Parsed(names.year)
    year_sheets = [s for s in sheets if re.fullmatch(r"(?:19|20)[0-9]{2}", s.name.strip())]
    if year_sheets:  # a workbook with a sheet per year (as PAPI reissues earlier years): only the year asked
        sheets = [s for s in year_sheets if int(s.name) == names.year]
        if not sheets:
            out.problems.append(f"Tệp có các trang theo năm ({', '.join(s.name for s in year_sheets)}) nhưng không "
                                f"có trang {names.year}.")
            return out
    for s in sheets:
        if _read_sheet(s, names, out):
            out.sheets.append(s.name)
    if not out.sheets and not out.problems:
        out.problems.append("Không tìm thấy bảng điểm: cần một dòng tiêu đề có tên tỉnh (hoặc cột «Tỉnh») và các "
                            "chỉ số («Chỉ số nội dung 1» hoặc «D1», «Tổng điểm»…).")
    return out


def _read_sheet(s: Sheet, names: Names, out: Parsed) -> bool:
    for n, cells in s.rows[:HEADER_ROWS]:
        keys = [key(c) for c in cells]
        placed = [i for i, c in enumerate(cells) if names.find(c) or place_key(c) in names.gone]
        if len(placed) >= 3 and not any(k in PROVINCE_HEADERS for k in keys):
            _by_column(s, n, cells, placed, names, out)
            return True
        province = next((i for i, k in enumerate(keys) if k in PROVINCE_HEADERS), None)
        if province is None:
            continue
        year = next((i for i, k in enumerate(keys) if k in YEAR_HEADERS), None)
        code = next((i for i, k in enumerate(keys) if k in CODE_HEADERS), None)
        score = next((i for i, k in enumerate(keys) if k in SCORE_HEADERS), None)
        if code is not None and score is not None:
            _long(s, n, province, year, code, score, names, out)
            return True
        columns = {i: c for i, cell in enumerate(cells) if i != province and (c := code_of(cell))}
        if columns:
            _by_row(s, n, province, year, columns, names, out)
            return True
    return False


def _province(typed: object, where: str, names: Names, out: Parsed) -> str | None:
    found = names.find(typed)
    if found is not None:
        return found
    text = str(typed).strip()[:60]
    if place_key(typed) in names.gone:
        out.problems.append(f"{where}: «{text}» là tỉnh trước sắp xếp 7/2025, nay thuộc "
                            f"{names.gone[place_key(typed)]}; PAPI {names.year} chấm theo 34 tỉnh, thành phố mới.")
    else:
        out.problems.append(f"{where}: không có tỉnh «{text}» trên bản đồ {len(names.names)} tỉnh của năm "
                            f"{names.year}.")
    return None


def _put(out: Parsed, province: str, code: str, value: object, where: str) -> None:
    number = _number(value)
    if isinstance(number, str):
        out.problems.append(f"{where}: «{number[:40]}» không phải là số ({_label(code)} của {province}).")
        return
    if number is None:
        return
    scores = out.found.setdefault(province, {})
    before = scores.get(code)
    if before is not None and abs(before.value - number) > 1e-9:
        out.problems.append(f"{where}: {_label(code)} của {province} là {render.number(number, 4)}, khác "
                            f"{render.number(before.value, 4)} ở {before.where[0].lower()}{before.where[1:]}.")
        return
    scores[code] = Cell(number, where)


def _once(out: Parsed, seen: dict[str, str], province: str, where: str, what: str) -> bool:
    """Each province once per sheet: a second row (or column) of the same province is a problem."""
    if province in seen:
        out.problems.append(f"{where}: {province} có hai lần trong {what} (lần đầu: {seen[province]}).")
        return False
    seen[province] = where
    out.places.setdefault(province, where)
    return True


def _by_column(s: Sheet, header: int, cells: list[object], placed: list[int], names: Names, out: Parsed) -> None:
    seen: dict[str, str] = {}
    columns: dict[int, str] = {}
    for i in placed:
        province = _province(cells[i], _where(s.name, header, i), names, out)
        if province is not None and _once(out, seen, province, _where(s.name, header, i), "dòng tiêu đề"):
            columns[i] = province
    labels = [i for i in range(min(placed)) if i < len(cells)]
    for n, row in s.rows:
        if n <= header:
            continue
        code = next((c for i in labels if i < len(row) and (c := code_of(row[i]))), None)
        if code is None:
            continue
        if "." in code:
            out.sub_names.setdefault(code, _sub_name(row[labels[0]] if labels else ""))
        for i, province in columns.items():
            if i < len(row):
                _put(out, province, code, row[i], _where(s.name, n, i))


def _by_row(s: Sheet, header: int, province_col: int, year_col: int | None, columns: dict[int, str],
            names: Names, out: Parsed) -> None:
    seen: dict[str, str] = {}
    for n, row in s.rows:
        if n <= header or province_col >= len(row) or row[province_col] in (None, ""):
            continue
        if not _this_year(row, year_col, names.year) or all(_number(row[i]) is None for i in columns if i < len(row)):
            continue  # another year, or a row without scores (a note, the copyright line)
        where = _where(s.name, n)
        province = _province(row[province_col], where, names, out)
        if province is None or not _once(out, seen, province, where, "bảng"):
            continue
        for i, code in columns.items():
            if i < len(row):
                _put(out, province, code, row[i], _where(s.name, n, i))


def _long(s: Sheet, header: int, province_col: int, year_col: int | None, code_col: int, score_col: int,
          names: Names, out: Parsed) -> None:
    for n, row in s.rows:
        if n <= header or max(province_col, code_col, score_col) >= len(row) or not _this_year(row, year_col,
                                                                                              names.year):
            continue
        where = _where(s.name, n)
        code = code_of(row[code_col])
        if code is None:
            out.problems.append(f"{where}: không hiểu mã chỉ số «{str(row[code_col])[:20]}».")
            continue
        province = _province(row[province_col], where, names, out)
        if province is None:
            continue
        if code in out.found.get(province, {}):
            out.problems.append(f"{where}: {province}, {_label(code)} có hai lần (lần đầu: "
                                f"{out.found[province][code].where}).")
            continue
        out.places.setdefault(province, where)
        _put(out, province, code, row[score_col], where)


def _this_year(row: list[object], year_col: int | None, year: int) -> bool:
    """A file of many years (the bundled CSV holds 2011–2024): only the rows of the year being imported."""
    if year_col is None or year_col >= len(row):
        return True
    value = _number(row[year_col])
    return isinstance(value, float) and int(value) == year


def _sub_name(label: object) -> str:
    """'1.1: Tri thức công dân*' -> 'Tri thức công dân'."""
    return re.sub(r"^\s*[1-8][.,][1-5]\s*[:.\-–]?\s*", "", str(label or "")).rstrip("* ").strip()


def _label(code: str) -> str:
    if code == "total":
        return "tổng điểm"
    return f"chỉ số nội dung {code[1:]}" if code.startswith("D") else f"nội dung thành phần {code}"


# --- checks on the scores found -----------------------------------------------------------------------------------


def check(out: Parsed, names: Names) -> Parsed:
    """Scales, totals and coverage; the edition's rows when nothing is wrong."""
    expected = 8 if out.year >= 2018 else 6
    rows: list[ProvinceYear] = []
    for province in names.names:
        scores = out.found.get(province)
        if scores:
            rows.append(_row(out, province, scores, expected))
    out.missing = tuple(p for p in names.names if not out.found.get(p))
    if out.missing:
        out.notes.append(f"Không có điểm ({len(out.missing)} tỉnh): {', '.join(out.missing)}.")
    if not rows and not out.problems and out.sheets:
        out.problems.append(f"Tệp không có điểm nào của năm {out.year}.")
    out.rows = tuple(rows) if not out.problems else ()  # nothing of a file with a problem is kept
    return out


def _row(out: Parsed, province: str, scores: dict[str, Cell], expected: int) -> ProvinceYear:
    dims: dict[int, float] = {}
    subs: dict[str, float] = {}
    for code, cell in scores.items():
        if code == "total":
            continue
        number = int(code[1]) if code.startswith("D") else int(code[0])
        if number > expected:
            out.problems.append(f"{cell.where}: PAPI {out.year} có {expected} chỉ số nội dung, không có "
                                f"{_label(code)} ({province}).")
            continue
        low, high = DIMENSION if code.startswith("D") else SUB_SCALES[SUB_COUNT[number]]
        if not low <= cell.value <= high:
            out.problems.append(f"{cell.where}: {_label(code)} của {province} = {render.number(cell.value, 4)}, "
                                f"ngoài thang {render.number(low)}–{render.number(high)}.")
        elif code.startswith("D"):
            dims[number] = cell.value
        else:
            subs[code] = cell.value
    total = scores.get("total")
    if total is not None and len(dims) == expected:
        summed = sum(dims.values())
        if abs(summed - total.value) > ROUNDING:
            out.problems.append(f"{total.where}: tổng điểm của {province} là {render.number(total.value, 4)} nhưng "
                                f"{expected} chỉ số nội dung cộng lại {render.number(summed, 4)}.")
    elif total is not None:
        lacking = ", ".join(str(d) for d in range(1, expected + 1) if d not in dims)
        out.problems.append(f"{total.where}: {province} có tổng điểm nhưng thiếu chỉ số nội dung {lacking}, nên "
                            "không kiểm được tổng.")
    value = total.value if total is not None else None
    summed = value is None and len(dims) == expected
    if summed:
        value = sum(dims.values())
        out.notes.append(f"{province}: tệp không ghi tổng điểm; tổng = {expected} chỉ số nội dung cộng lại.")
    return ProvinceYear(province, "", out.year, dims, value, six_total(dims), subs, total_summed=summed)


def read_edition(path: Path, names: Names) -> Parsed:
    """The file read and checked; Refused when it is not a spreadsheet at all."""
    return check(parse(read(path), names), names)
