"""PAPI scores per province and year, read from the bundled copies of the CSV files in shared/data, and the
editions an operator imported (`python -m bot scores import`), merged into one table by `with_editions`.

Ranks, quartile groups and medians are computed here from the provinces scored that year: PAPI publishes
groups, not ranks, so every answer built on them says it is computed. A year is scored on one map: the 63
former provinces until 2024, the 34 of July 2025 from 2025 (`map_2025.yaml` says which former provinces each
was formed from), so a year's ranks and groups are always among provinces of one map. `assess` checks a plan's
target against the PAPI results of the target's year.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import yaml

from content.models import Target
from content.normalize import normalize

YEAR_FILE = "papi_province_year_2011_2024.csv"
SUB_FILE = "papi_subdimensions_2022_2023.csv"
MAP_FILE = "map_2025.yaml"
NEW_MAP_FROM = 2025  # the first PAPI year surveyed after 1 July 2025, so on the 34-province map
SOURCE_YEAR = "Dữ liệu PAPI cấp tỉnh 2011–2024 (bản sao tệp chỉ số cấp tỉnh chính thức, papi.org.vn)"
SOURCE_SUB = "Bảng chỉ tiêu cấp tỉnh PAPI chính thức 2022 và 2023 (CECODES, VFF-CRT, RTA, UNDP)"
GROUPS = ("Cao", "Trung bình cao", "Trung bình thấp", "Thấp")


@dataclass(frozen=True)
class ProvinceYear:
    province: str
    region: str
    year: int
    dims: dict[int, float]
    total: float | None
    total_6dim: float | None
    subs: dict[str, float] = field(default_factory=dict)
    total_summed: bool = False  # the file gave no total: the sum of its dimensions (PAPI's total is that sum)

    def value(self, dimension: int | None) -> float | None:
        return self.total if dimension is None else self.dims.get(dimension)


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


def map_size(year: int) -> int:
    """How many provinces the map of that PAPI year has: 63 until 2024, 34 from 2025."""
    return 34 if year >= NEW_MAP_FROM else 63


def map_words(year: int) -> str:
    if map_size(year) == 34:
        return "bản đồ 34 tỉnh, thành phố từ 1/7/2025"
    return "bản đồ 63 tỉnh trước sắp xếp 2025"


def six_total(dims: dict[int, float]) -> float | None:
    """D1+…+D6, the one total that compares across 2011–2017 (6 dimensions) and later years (8)."""
    return sum(dims[d] for d in range(1, 7)) if all(d in dims for d in range(1, 7)) else None


@dataclass(frozen=True)
class NewProvince:
    name: str
    code: int
    former: tuple[str, ...]
    former_codes: tuple[int, ...]

    @property
    def merged(self) -> bool:
        """Formed from more than one former province: its scores do not continue any one of theirs."""
        return len(self.former) > 1


@dataclass(frozen=True)
class ProvinceMap:
    """The 34 provinces of July 2025 and the former provinces each was formed from."""

    provinces: tuple[NewProvince, ...]
    source: str

    def new(self, name: str) -> NewProvince | None:
        return next((p for p in self.provinces if p.name == name), None)

    def successor(self, former: str) -> NewProvince | None:
        """The new province a former one is now part of ('Tiền Giang' -> Đồng Tháp, 'Thừa Thiên Huế' -> Huế)."""
        return next((p for p in self.provinces if former in p.former), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.provinces)


def load_map(path: Path) -> ProvinceMap:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        provinces = tuple(
            NewProvince(p["name"], int(p["code"]), tuple(f["name"] for f in p["former"]),
                        tuple(int(f["code"]) for f in p["former"]))
            for p in data["provinces"])
        return ProvinceMap(provinces, data["source"])
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc


@dataclass(frozen=True)
class Edition:
    """One imported PAPI edition: a year's scores from one file, cited by its name, date and checksum."""

    year: int
    version: int
    source_name: str
    sha256: str
    imported: dt.date
    rows: tuple[ProvinceYear, ...]
    sub_names: dict[str, str] = field(default_factory=dict)

    @property
    def citation(self) -> str:
        summed = [r.province for r in self.rows if r.total_summed]
        note = (f"; tệp không ghi tổng điểm của {', '.join(summed) if len(summed) <= 3 else f'{len(summed)} tỉnh'}"
                ", Trợ lý cộng các chỉ số nội dung" if summed else "")
        return (f"Kết quả PAPI {self.year} nhập từ tệp «{self.source_name}» ngày {self.imported:%d/%m/%Y} "
                f"(phiên bản {self.version}, sha256 {self.sha256[:12]}…{note})")


def edition_body(rows: tuple[ProvinceYear, ...], sub_names: dict[str, str]) -> str:
    """An edition's scores as the JSON stored in the database (storage/editions.py)."""
    return json.dumps({
        "provinces": [{"province": r.province, "dims": {str(d): v for d, v in sorted(r.dims.items())},
                       "total": r.total, "subs": r.subs} | ({"total_summed": True} if r.total_summed else {})
                      for r in rows],
        "sub_names": sub_names,
    }, ensure_ascii=False, sort_keys=True)


def edition_rows(year: int, body: str) -> tuple[tuple[ProvinceYear, ...], dict[str, str]]:
    data = json.loads(body)
    rows = tuple(
        ProvinceYear(province=p["province"], region="", year=year, dims={int(d): v for d, v in p["dims"].items()},
                     total=p["total"], total_6dim=six_total({int(d): v for d, v in p["dims"].items()}),
                     subs=dict(p["subs"]), total_summed=bool(p.get("total_summed")))
        for p in data["provinces"])
    return rows, dict(data["sub_names"])


@dataclass(frozen=True)
class ScoreTable:
    rows: dict[tuple[str, int], ProvinceYear]
    provinces: tuple[str, ...]
    years: tuple[int, ...]
    sub_names: dict[str, str]
    sub_count: int
    map: ProvinceMap
    editions: dict[int, Edition] = field(default_factory=dict)  # the imported years, each cited by its file

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def get(self, province: str, year: int) -> ProvinceYear | None:
        return self.rows.get((province, year))

    def source(self, year: int | None, subs: bool = False) -> str:
        """What an answer about that year cites: the imported file, else the bundled one."""
        if year is not None and year in self.editions:
            return self.editions[year].citation
        return SOURCE_SUB if subs else SOURCE_YEAR

    @property
    def new_map_years(self) -> tuple[int, ...]:
        """Years scored on the 34-province map (an imported edition of 2025 or later)."""
        return tuple(y for y in self.years if map_size(y) == 34)

    def on_map(self, province: str, year: int) -> str:
        """The name a province has on the map of that year: 'Tiền Giang' in 2025 is Đồng Tháp, 'Huế' in 2023
        is Thừa Thiên Huế (province_names reads 'Huế' as the former name, its alias)."""
        if map_size(year) == 63:
            new = self.map.new(province)
            return new.former[0] if new is not None and not new.merged else province
        found = self.map.new(province) or self.map.successor(province)
        return found.name if found is not None else province

    def previous(self, province: str, year: int) -> ProvinceYear | None:
        """The year before, of the same territory: none across the 2025 break for a merged province, whose
        former provinces are other places (a renamed one, Thừa Thiên Huế to Huế, continues)."""
        if map_size(year - 1) == map_size(year):
            return self.get(province, year - 1)
        new = self.map.new(province)
        return None if new is None or new.merged else self.get(new.former[0], year - 1)

    def old_map(self) -> ScoreTable:
        """The table over the years of the 63-province map only: a former province's years."""
        return replace(self, years=tuple(y for y in self.years if map_size(y) == 63))

    def with_editions(self, editions: list[Edition]) -> ScoreTable:
        """The bundled table with each imported edition's year replaced by that edition (the newest version
        of a year is the one passed)."""
        if not editions:
            return self
        years = {e.year for e in editions}
        rows = {k: r for k, r in self.rows.items() if k[1] not in years}
        names: dict[str, str] = {}
        for e in editions:
            rows.update({(r.province, e.year): r for r in e.rows})
            names.update(e.sub_names)
        names.update(self.sub_names)  # the curated names of the bundled files win over a file's labels
        provinces = tuple(dict.fromkeys((*self.provinces, *(p for p, _ in rows))))
        return replace(self, rows=rows, provinces=provinces, years=tuple(sorted({y for _, y in rows})),
                       sub_names=names, editions={e.year: e for e in editions})

    def scored(self, year: int) -> list[ProvinceYear]:
        """Provinces with a total that year, best first."""
        rows = [r for (_, y), r in self.rows.items() if y == year and r.total is not None]
        return sorted(rows, key=lambda r: -(r.total or 0.0))

    def years_of(self, province: str) -> list[int]:
        """Years in which the province has at least one dimension score."""
        return [y for y in self.years if (row := self.get(province, y)) is not None and row.dims]

    def values(self, year: int, dimension: int | None = None) -> list[float]:
        """Every province's total (or one dimension) that year, leaving out provinces without it."""
        found = (r.value(dimension) for (_, y), r in self.rows.items() if y == year)
        return [v for v in found if v is not None]

    def rank(self, province: str, year: int, dimension: int | None = None) -> tuple[int, int] | None:
        """(position, provinces with a score): 1 + how many scored higher, so ties share a place."""
        row = self.get(province, year)
        mine = row.value(dimension) if row else None
        if mine is None:
            return None
        values = self.values(year, dimension)
        return 1 + sum(v > mine for v in values), len(values)

    def median(self, year: int, dimension: int | None = None) -> float | None:
        values = self.values(year, dimension)
        return statistics.median(values) if values else None

    def median_6dim(self, year: int) -> float | None:
        """Median of D1+…+D6, the one total that compares across 2011–2024."""
        values = [r.total_6dim for (_, y), r in self.rows.items() if y == year and r.total_6dim is not None]
        return statistics.median(values) if values else None

    def sub_median(self, year: int, code: str) -> float | None:
        values = [r.subs[code] for (_, y), r in self.rows.items() if y == year and code in r.subs]
        return statistics.median(values) if values else None

    def thresholds(self, year: int, dimension: int | None = None) -> tuple[float, float, float] | None:
        """P25, P50, P75 of the year's scores ("inclusive": the percentiles of the scores themselves)."""
        values = self.values(year, dimension)
        if len(values) < 4:
            return None
        q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return q1, q2, q3

    def group(self, province: str, year: int, dimension: int | None = None) -> str | None:
        """Quartile group by the published rule (≥ P75 Cao, P50–P75, P25–P50, < P25); computed.

        PAPI groups the total and each dimension separately, so a dimension is grouped among the
        provinces that have that dimension in that year.
        """
        row = self.get(province, year)
        mine = row.value(dimension) if row else None
        cuts = self.thresholds(year, dimension)
        if mine is None or cuts is None:
            return None
        q1, q2, q3 = cuts
        if mine >= q3:
            return GROUPS[0]
        if mine >= q2:
            return GROUPS[1]
        return GROUPS[2] if mine >= q1 else GROUPS[3]


    def near_boundary(self, province: str, year: int, dimension: int | None = None) -> bool:
        """Whether the province sits next to a group boundary (the last or first place of a quartile): the
        published groups may then differ from the computed one (2023: the top group had 15 provinces, and
        the 16th by total, at the computed P75, was published in the next group)."""
        place = self.rank(province, year, dimension)
        if place is None:
            return False
        rank, total = place
        edges = {total * k // 4 for k in (1, 2, 3)}
        return any(rank in (edge, edge + 1) for edge in edges)


def group_threshold(table: ScoreTable, year: int, dimension: int | None, group: str) -> float | None:
    """The lowest score still in `group` (or better) that year; None for the lowest group or no data."""
    cuts = table.thresholds(year, dimension)
    if cuts is None or group not in GROUPS[:3]:
        return None
    return cuts[2 - GROUPS.index(group)]


def parse_group(text: str) -> str | None:
    """'Trung bình cao trở lên' -> 'Trung bình cao'. Every group target is read as "this group or better"."""
    base = normalize(text).removesuffix(" tro len").removesuffix(" hoac cao hon")
    return next((g for g in GROUPS if normalize(g) == base), None)


def at_least(group: str, wanted: str) -> bool:
    return GROUPS.index(group) <= GROUPS.index(wanted)


# --- Plan targets against results ---------------------------------------------------------------


CheckKind = Literal["value", "increase", "group", "count", "change"]


@dataclass(frozen=True)
class Check:
    """One criterion of a target. `met` is None when there is no result to judge it by, or when the
    target states no figure (kind "change": the change from the year before, shown for reference)."""

    kind: CheckKind
    wanted: float | str | None
    actual: float | str | None
    met: bool | None
    detail: tuple[str, ...] = ()  # for "count": the dimensions found in the group


@dataclass(frozen=True)
class TargetResult:
    target: Target
    checks: tuple[Check, ...]

    @property
    def met(self) -> bool | None:
        """True when every criterion is met, False when any is missed; None when none can be judged."""
        judged = [c.met for c in self.checks if c.met is not None]
        if not judged:
            return None
        return all(judged)


def assess(table: ScoreTable, province: str, target: Target) -> TargetResult:
    """Each criterion of the target against PAPI results for the target's year."""
    year, dim = target.year, target.dimension
    row, prev = table.get(province, year), table.previous(province, year)
    actual = row.value(dim) if row else None
    before = prev.value(dim) if prev else None
    checks: list[Check] = []
    wanted_group = parse_group(target.group) if target.group else None
    if target.min_dimensions and wanted_group:
        checks.append(_count_check(table, province, year, target.min_dimensions, wanted_group))
        return TargetResult(target, tuple(checks))
    if target.value is not None:
        checks.append(Check("value", target.value, actual, None if actual is None else actual >= target.value))
    if target.min_increase is not None:
        rise = None if actual is None or before is None else actual - before
        met = None if rise is None else rise >= target.min_increase
        checks.append(Check("increase", target.min_increase, rise, met))
    if target.group:
        got = table.group(province, year, dim)
        met = None if got is None or wanted_group is None else at_least(got, wanted_group)
        checks.append(Check("group", wanted_group or target.group, got, met))
    if not checks:
        rise = None if actual is None or before is None else actual - before
        checks.append(Check("change", None, rise, None))
    return TargetResult(target, tuple(checks))


def _count_check(table: ScoreTable, province: str, year: int, wanted: int, group: str) -> Check:
    row = table.get(province, year)
    if row is None or not row.dims:
        return Check("count", wanted, None, None)
    found = tuple(str(d) for d in sorted(row.dims) if (g := table.group(province, year, d)) and at_least(g, group))
    return Check("count", wanted, len(found), len(found) >= wanted, found)


def load_scores(folder: Path) -> ScoreTable:
    rows: dict[tuple[str, int], ProvinceYear] = {}
    with (folder / YEAR_FILE).open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            dims = {d: v for d in range(1, 9) if (v := _num(rec[f"D{d}"])) is not None}
            key = (rec["province_vi"], int(rec["year"]))
            rows[key] = ProvinceYear(
                province=key[0],
                region=rec["region"],
                year=key[1],
                dims=dims,
                total=_num(rec["total_papi"]),
                total_6dim=_num(rec["total_papi_6dim"]),
            )
    sub_names: dict[str, str] = {}
    sub_count = 0
    with (folder / SUB_FILE).open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            code = rec["code"]
            if code == "total" or code.startswith("D"):
                continue
            row = rows.get((rec["province"], int(rec["year"])))
            if row is None:
                raise ValueError(f"{SUB_FILE}: tỉnh '{rec['province']}' năm {rec['year']} không có trong {YEAR_FILE}")
            row.subs[code] = float(rec["score"])
            sub_names[code] = rec["name_vi"]
            sub_count += 1
    provinces = tuple(dict.fromkeys(p for p, _ in rows))
    years = tuple(sorted({y for _, y in rows}))
    return ScoreTable(rows=rows, provinces=provinces, years=years, sub_names=sub_names, sub_count=sub_count,
                      map=load_map(folder / MAP_FILE))
