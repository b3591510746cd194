"""`org import FILE`: communes and units from a province's spreadsheet (columns tỉnh, xã, đơn vị), added where
missing. All or nothing: every problem is reported with its row and column, and nothing is saved unless the
whole file is valid; a row naming what is already there (however it is spelt) adds nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from rapidfuzz import fuzz, process

from content.normalize import normalize
from handlers.invitations.directory import COMMUNE_MAX, UNIT_MAX, BadName, checked
from handlers.org import official, sheet
from handlers.org.errors import vietnamese
from handlers.org.template import UnitsTemplate
from storage import divisions
from storage.db import Db, transaction
from storage.divisions import Commune, Province, Tally, exact_key
from storage.org import place_key, same_unit


class Invalid(Exception):
    def __init__(self, problems: list[str], unknown_province: bool = False) -> None:
        super().__init__(f"{len(problems)} lỗi")
        self.problems = problems
        self.unknown_province = unknown_province  # then the 34 names are worth printing once


def _has(header: str, *words: str) -> bool:
    text = f" {normalize(header).replace('xa hoi', '')} "
    return any(f" {w} " in text for w in words)


def is_unit(header: str) -> bool:
    """'Đơn vị', 'Tên đơn vị', 'Don vi', 'Cơ quan', 'Phòng ban'; not 'Đơn vị hành chính cấp xã'."""
    return (_has(header, "don vi") and not _has(header, "hanh chinh")) or _has(header, "co quan", "phong ban")


def is_commune(header: str) -> bool:
    """'Xã', 'Tên xã', 'Xã/phường', 'Xã, phường, đặc khu', 'Đơn vị hành chính cấp xã'; not 'Mã xã', nor
    'Đơn vị (phòng, ban của UBND xã)'."""
    return _has(header, "xa", "phuong", "dac khu", "thi tran") and not _has(header, "ma", "tinh") \
        and not is_unit(header)


def is_province(header: str) -> bool:
    """'Tỉnh', 'Tỉnh/Thành phố', 'Tên tỉnh', 'Tinh/TP'; not 'Mã tỉnh'."""
    return _has(header, "tinh", "thanh pho") and not _has(header, "ma") and not is_unit(header)


FIELDS = {"tỉnh": is_province, "xã": is_commune, "đơn vị": is_unit}
_NAMES = {"province": ("tỉnh", 60), "commune": ("xã", COMMUNE_MAX), "unit": ("đơn vị", UNIT_MAX)}
_FIELD = {"province": "tỉnh", "commune": "xã", "unit": "đơn vị"}


class Row(BaseModel):
    """One row of the file: three names, each non-empty, one line, of reasonable length."""

    model_config = ConfigDict(frozen=True)
    province: str
    commune: str
    unit: str

    @field_validator("province", "commune", "unit")
    @classmethod
    def _name(cls, value: str, info: ValidationInfo) -> str:
        what, limit = _NAMES[info.field_name or "unit"]
        if not value.strip():
            raise ValueError(f"ô trống: cần tên {what}.")
        try:
            return checked(value, what, limit)
        except BadName as bad:
            raise ValueError(str(bad)) from None


@dataclass
class _Group:
    official: Province | None
    communes: list[Commune] = field(default_factory=list)


async def import_file(db: Db, path: Path, template: UnitsTemplate) -> Tally:
    """What was added and kept; sheet.Refused for a file that cannot be read, Invalid for bad rows."""
    table = sheet.read(path, FIELDS)
    rows, problems = _rows(table)
    groups, unknown = await _resolve(db, table, rows, template, problems)
    if problems:
        raise Invalid([text for _, text in sorted(problems, key=lambda p: p[0])], unknown)
    tally = Tally()
    try:
        async with transaction(db) as tx:
            for province, group in groups.items():
                shared = official.shared_keys(group.official.code) if group.official else frozenset()
                tally.add(await divisions.ensure(tx, province, group.official, group.communes, shared))
            if tally.problems:
                raise divisions.Rejected(tally)  # rolls the whole file back
    except divisions.Rejected as rejected:
        column = table.columns["xã"].header
        raise Invalid([f"{table.where(p.row)}, cột «{column}»: {p.text}" for p in rejected.tally.problems]) from None
    return tally


Problems = list[tuple[int, str]]  # (row, message): reported in the order of the file


def _rows(table: sheet.Table) -> tuple[list[tuple[int, Row]], Problems]:
    rows: list[tuple[int, Row]] = []
    problems: Problems = []
    for number, cells in table.rows:
        values = {name: table.cell(cells, label) for name, label in _FIELD.items()}
        try:
            rows.append((number, Row.model_validate(values)))
        except ValidationError as exc:
            for error in exc.errors():
                header = table.columns[_FIELD[str(error["loc"][0])]].header
                problems.append((number, f"{table.where(number)}, cột «{header}»: {vietnamese(error)}"))
    return rows, problems


async def _resolve(db: Db, table: sheet.Table, rows: Sequence[tuple[int, Row]], template: UnitsTemplate,
                   problems: Problems) -> tuple[dict[str, _Group], bool]:
    """Rows grouped by province, each commune by its official name and code where the official list has it."""
    in_db = {place_key(p): p for p in await divisions.provinces(db)}
    provinces: dict[str, tuple[str, Province | None] | official.UnknownProvince] = {}
    existing: dict[str, set[str]] = {}  # per province, the exact and the plain keys of its communes
    groups: dict[str, _Group] = {}
    header = {f: table.columns[f].header for f in FIELDS}
    for number, row in rows:
        if row.province not in provinces:
            provinces[row.province] = _province(row.province, in_db)
        resolved = provinces[row.province]
        if isinstance(resolved, official.UnknownProvince):
            problems.append((number, f"{table.where(number)}, cột «{header['tỉnh']}»: {resolved}"))
            continue
        province, found = resolved
        if province not in existing:
            names = await divisions.commune_names(db, province)
            existing[province] = {exact_key(n) for n in names} | {place_key(n) for n in names}
        unit = next((t for t in template.names() if same_unit(t, row.unit)), row.unit)  # the template's spelling
        commune = _commune(row.commune, found, existing[province])
        if isinstance(commune, str):
            problems.append((number, f"{table.where(number)}, cột «{header['xã']}»: {commune}"))
            continue
        groups.setdefault(province, _Group(found)).communes.append(Commune(*commune, (unit,), number))
    unknown = any(isinstance(r, official.UnknownProvince) for r in provinces.values())
    return groups, unknown


def _province(typed: str, in_db: dict[str, str]) -> tuple[str, Province | None] | official.UnknownProvince:
    """One of the 34, or a province the database already has (communes of the old map)."""
    key = place_key(typed)
    if key not in {place_key(p.name) for p in official.provinces()} and key in in_db:
        return in_db[key], None
    try:
        found = official.province(typed)
    except official.UnknownProvince as unknown:
        return unknown
    return found.name, found


def _commune(typed: str, province: Province | None, existing: set[str]) -> tuple[str, int | None] | str:
    """The commune's name and official code, or what is wrong with the name. One the official list lacks must
    already be in the database: a new commune made from a misspelt name would be one nobody can find."""
    matches = official.commune_in(province.code, typed) if province else []
    if len(matches) == 1:
        return matches[0].name, matches[0].code
    if len(matches) > 1:
        return f"«{typed}» có thể là {' hoặc '.join(m.name for m in matches)}: hãy gõ đủ dấu."
    if exact_key(typed) in existing or place_key(typed) in existing:
        return typed, None
    if province is None:
        return f"không có xã «{typed}» trong cơ sở dữ liệu của tỉnh này (tỉnh cũ: chỉ thêm được đơn vị cho xã đã có)."
    options = {c.name: place_key(c.name) for c in official.communes(province.code)}
    near = process.extract(place_key(typed), options, scorer=fuzz.ratio, limit=3, score_cutoff=70)
    hint = f"; gần giống: {', '.join(n for _, _, n in near)}" if near else ""
    return f"không có xã «{typed}» ở tỉnh {province.name} (theo danh sách chính thức và cơ sở dữ liệu){hint}."
