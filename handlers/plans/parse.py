"""A plan file's grids as a validated `Plan`, or every problem found, each with its sheet (or table), row and
column and what is expected, in Vietnamese. Nothing here touches the database.

Which grid is which is told by its header row (found among the first 10 rows): tasks (Nội dung, Chủ trì, Thời
hạn), targets (Chỉ số, Chỉ tiêu), reports (Báo cáo, Gửi đến, Thời hạn); the plan's own facts come from a sheet of
"label | value" rows (the template's «Kế hoạch»), from a Word file's paragraphs ("Số: 172/KH-UBND", "Tỉnh: …"),
or from the command line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from content.models import Plan, ReportingRule, Target, Task
from content.normalize import strip_diacritics
from handlers.org.errors import vietnamese
from handlers.plans import columns
from handlers.plans.reading import Document, Grid
from handlers.plans.rows import ReportRow, TargetRow, TaskRow

M = TypeVar("M", bound=BaseModel)
INFO_NAMES = {  # as the template and messages name them
    "id": "Mã kế hoạch", "title": "Tên kế hoạch", "number": "Số hiệu", "issued": "Ngày ban hành",
    "issuer": "Cơ quan ban hành", "province": "Tỉnh", "level": "Cấp",
    "district": "Huyện (trước 7/2025)", "commune": "Xã", "papi_year": "Năm PAPI",
    "valid_from": "Hiệu lực từ", "valid_until": "Hiệu lực đến", "summary": "Tóm tắt",
}


MISSING_HELP = {
    "province": " (tên tỉnh, ví dụ «Lai Châu»)", "issuer": " (ví dụ «UBND tỉnh Lai Châu»)",
    "title": " (tên đầy đủ của kế hoạch)",
}


@dataclass
class Parsed:
    plan: Plan | None = None
    rows: list[TaskRow] = field(default_factory=list)  # as read, for the preview's "assign" column
    problems: list[str] = field(default_factory=list)


@dataclass
class _Found:
    info: dict[str, str] = field(default_factory=dict)
    info_where: dict[str, str] = field(default_factory=dict)
    tasks: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)  # where, cells, headers
    targets: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    reports: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)


def parse(doc: Document, file_name: str, given: dict[str, str] | None = None,
          defaults: dict[str, str] | None = None) -> Parsed:
    """`given` (the command line's options) overrides what the file says; `defaults` (the province of the admin
    who sent the file in chat) only fills what it leaves out."""
    found = _Found()
    for grid in doc.grids:
        _grid(grid, found)
    _paragraphs(doc.paragraphs, found)
    for name, value in (given or {}).items():
        if value:
            found.info[name] = value
            found.info_where[name] = "Tham số dòng lệnh"
    for name, value in (defaults or {}).items():
        if value and not found.info.get(name):
            found.info[name] = value
            found.info_where[name] = "Tỉnh của người gửi tệp"
    out = Parsed()
    if not found.tasks:
        out.problems.append("Không thấy bảng nhiệm vụ: cần một dòng tiêu đề có các cột «Nội dung nhiệm vụ», «Cơ "
                            "quan chủ trì» và «Thời hạn» (trong 10 dòng đầu của trang tính hoặc bảng).")
    facts = _facts(found, file_name, out.problems)
    year = int(str(facts.get("papi_year") or dt.date.today().year))
    context = {"year": _plan_year(facts) or year}
    out.rows = _rows(TaskRow, found.tasks, context, out.problems)
    targets = _rows(TargetRow, found.targets, {"year": year}, out.problems)
    reports = _rows(ReportRow, found.reports, context, out.problems)
    if out.problems:
        return out
    tasks = [_task(task_id, row) for task_id, row in zip(_ids(found.tasks), out.rows, strict=True)]
    try:
        out.plan = Plan.model_validate({
            **facts, "tasks": tasks,
            "targets": [Target.model_validate({**t.model_dump(), "group": t.group or None}) for t in targets],
            "reports": [ReportingRule.model_validate({**r.model_dump(), "id": f"bao-cao-{n}"})
                        for n, r in enumerate(reports, 1)],
        })
    except ValidationError as exc:
        for err in exc.errors():
            name = INFO_NAMES.get(str(err["loc"][0]), ".".join(str(p) for p in err["loc"]))
            out.problems.append(f"Thông tin kế hoạch, «{name}»: {vietnamese(err)}")
    return out


# --- which grid is which ----------------------------------------------------------------------------------


def _grid(grid: Grid, found: _Found) -> None:
    kinds: list[tuple[dict[str, Callable[[str], bool]], tuple[str, ...], list[tuple[str, dict[str, str],
                                                                                    dict[str, str]]]]] = [
        (columns.REPORT_FIELDS, columns.REPORT_NEEDED, found.reports),
        (columns.TASK_FIELDS, columns.TASK_NEEDED, found.tasks),
        (columns.TARGET_FIELDS, columns.TARGET_NEEDED, found.targets),
    ]
    for position, (_, cells) in enumerate(grid.rows[:columns.HEADER_ROWS]):
        for fields, needed, into in kinds:
            cols = columns.columns(cells, fields)
            if all(f in cols for f in needed) and (fields is not columns.REPORT_FIELDS or "lead" not in
                                                   columns.columns(cells, columns.TASK_FIELDS)):
                headers = {f: cells[i] for f, i in cols.items()}
                for n, row in grid.rows[position + 1:]:
                    if not _is_heading(row, cells):
                        values = {f: (row[i] if i < len(row) else "") for f, i in cols.items()}
                        into.append((f"{grid.where(n)}", values, headers))
                return
    _info(grid, found)


def _is_heading(row: list[str], header: list[str]) -> bool:
    """A repeated header, a "(1) (2) (3)" numbering row, or a section title merged across the row."""
    filled = [c for c in row if c]
    if not filled or row == header or strip_diacritics(filled[0]).lower().startswith(("vi du", "vd:")):
        return True  # the template's example row is left out
    if all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c in filled) and len(filled) > 2:
        return True
    return len(filled) > 2 and len(set(filled)) == 1


def _info(grid: Grid, found: _Found) -> None:
    for n, cells in grid.rows:
        first = next((i for i, c in enumerate(cells) if c), len(cells))
        value = cells[first + 1] if first + 1 < len(cells) else ""
        label = cells[first] if first < len(cells) else ""
        if len(label) <= 40 and (name := columns.info_label(label)) and name not in found.info:  # not a sentence
            found.info_where.setdefault(name, f"{grid.where(n)}, cột B")  # where to write it, when it is missing
            if value:
                found.info[name] = value


def _paragraphs(paragraphs: list[str], found: _Found) -> None:
    """A Word plan's own lines: "Label: value" lines, then what every plan's heading says."""
    for n, line in enumerate(paragraphs, 1):
        label, colon, value = line.partition(":")
        if colon and value.strip() and len(label) < 40 and (name := columns.info_label(label)):
            found.info.setdefault(name, value.strip())
            found.info_where.setdefault(name, f"Đoạn {n} của văn bản")
    for n, line in enumerate(paragraphs):
        flat = strip_diacritics(line).lower()
        if "number" not in found.info and (m := re.search(r"\bso[:\s]+(\d+/[\w\-]+)", flat)):
            found.info["number"] = line[m.start(1):m.end(1)]
        if "issued" not in found.info and re.search(r"ngay \d{1,2} thang \d{1,2} nam \d{4}", flat):
            found.info["issued"] = line
        if "title" not in found.info and flat.strip() == "ke hoach" and n + 1 < len(paragraphs):
            found.info["title"] = "Kế hoạch " + paragraphs[n + 1][:1].lower() + paragraphs[n + 1][1:]
        if "issuer" not in found.info and flat.startswith(("uy ban nhan dan", "ubnd")):
            found.info["issuer"] = line
    for source in (found.info.get("issuer", ""), found.info.get("title", "")):
        m = re.search(r"\b(?:tỉnh|TỈNH|Tỉnh)\s+([^,;()\d]+?)(?:\s+(?:năm|NĂM)\b|$)", source)
        if "province" not in found.info and m:
            found.info["province"] = m.group(1).strip().title()
    if found.info.get("issuer", "").isupper() and found.info.get("province"):  # the heading's capitals
        found.info["issuer"] = f"UBND tỉnh {found.info['province']}"


# --- the plan's facts --------------------------------------------------------------------------------------


def date_of(text: str) -> dt.date | None:
    flat = strip_diacritics(text).lower()
    m = re.search(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", flat) or re.search(
        r"ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})", flat)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text).lower()).strip("-")


def _plan_year(facts: dict[str, object]) -> int | None:
    issued = facts.get("issued")
    return issued.year if isinstance(issued, dt.date) else None


def _facts(found: _Found, file_name: str, problems: list[str]) -> dict[str, object]:
    info = found.info

    def where(name: str) -> str:
        return found.info_where.get(name, "Thông tin kế hoạch")

    facts: dict[str, object] = {}
    for name in ("issued", "valid_from", "valid_until"):
        if info.get(name):
            facts[name] = date_of(info[name])
            undated = name == "issued" and not re.search(r"\d{1,2}\s*[/.-]\s*\d{1,2}|ngày \d", info[name])
            if facts[name] is None and not undated:  # "ngày … tháng … năm 2023": a plan left undated is kept so
                problems.append(f"{where(name)}: không hiểu ngày «{info[name]}»; ví dụ hợp lệ: «20/5/2024», "
                                "«ngày 20 tháng 5 năm 2024»")
    facts.setdefault("issued", None)
    title = info.get("title", "")
    year_text = info.get("papi_year") or next(iter(re.findall(r"\b(20\d\d)\b", title)), "")
    if not re.fullmatch(r"20\d\d", year_text.strip()):
        issued = facts["issued"]
        year_text = str(issued.year) if isinstance(issued, dt.date) else ""
    if not year_text:
        problems.append(f"{where('papi_year')}: thiếu «Năm PAPI» (năm kết quả PAPI mà kế hoạch nhắm tới, ví dụ 2025)")
    for name in ("province", "issuer", "title"):
        if not info.get(name):
            problems.append(f"{where(name)}: thiếu «{INFO_NAMES[name]}»{MISSING_HELP[name]}")
    level = strip_diacritics(info.get("level", "")).lower()
    facts["level"] = "commune" if "xa" in level or info.get("commune") else (
        "district" if "huyen" in level else "province")
    province = info.get("province", "").removeprefix("tỉnh ").removeprefix("Tỉnh ").strip()
    papi_year = int(year_text) if year_text else 0
    facts.update(
        id=info.get("id") or slug(f"{info.get('commune') or province}-{papi_year}"), title=title,
        number=info.get("number") or None, issued_text=info.get("issued") or "Không ghi ngày ban hành",
        issuer=info.get("issuer", ""), province=province, commune=info.get("commune") or None,
        district=info.get("district") or None,
        papi_year=papi_year, source_file=file_name, summary=info.get("summary") or title,
        sources=[f"{'Kế hoạch ' + info['number'] if info.get('number') else title} của {info.get('issuer', '')}"
                 f" (tệp {file_name})"],
    )
    return facts


# --- rows --------------------------------------------------------------------------------------------------


def _rows(model: type[M], found: list[tuple[str, dict[str, str], dict[str, str]]],
          context: dict[str, int], problems: list[str]) -> list[M]:
    out = []
    for where, values, headers in found:
        try:
            out.append(model.model_validate(values, context=context))
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else ""
                column = headers.get(name) or columns.HEADERS.get(name, name)
                problems.append(f"{where}, cột «{column}»: {vietnamese(err)}")
    return out


def _ids(found: list[tuple[str, dict[str, str], dict[str, str]]]) -> list[str]:
    """From the STT column when every row has its own ("1" → t01, "2.1" → t02-1), else by position."""
    numbers = [values.get("number", "").strip().rstrip(".") for _, values, _ in found]
    if all(re.fullmatch(r"\d{1,3}(\.\d{1,2})*", n) for n in numbers) and len(set(numbers)) == len(numbers):
        return ["t" + "-".join(f"{int(p):02d}" if i == 0 else str(int(p)) for i, p in enumerate(n.split(".")))
                for n in numbers]
    return [f"t{n:02d}" for n in range(1, len(found) + 1)]


def _task(task_id: str, row: TaskRow) -> Task:
    assert isinstance(row.lead, list) and isinstance(row.coordinate, list) and isinstance(row.dimensions, list)
    assert isinstance(row.subdimensions, list) and not isinstance(row.deadline, str)
    detail = row.detail or row.title
    if row.product:
        detail += f"\nSản phẩm: {row.product}"
    return Task(id=task_id, title=row.title, detail=detail, dimensions=row.dimensions,
                subdimensions=row.subdimensions, lead=row.lead, coordinate=row.coordinate, deadline=row.deadline,
                every_commune=row.every_commune, commune_unit=row.unit_in_commune(), communes=row.communes)
