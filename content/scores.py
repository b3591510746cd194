"""PAPI scores per province and year, read from the bundled copies of the CSV files in shared/data.

Ranks and quartile groups are computed here from the totals of the provinces scored that year: PAPI
publishes groups, not ranks, so every answer built on them says it is computed.
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path

YEAR_FILE = "papi_province_year_2011_2024.csv"
SUB_FILE = "papi_subdimensions_2022_2023.csv"
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


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


@dataclass(frozen=True)
class ScoreTable:
    rows: dict[tuple[str, int], ProvinceYear]
    provinces: tuple[str, ...]
    years: tuple[int, ...]
    sub_names: dict[str, str]
    sub_count: int

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def get(self, province: str, year: int) -> ProvinceYear | None:
        return self.rows.get((province, year))

    def scored(self, year: int) -> list[ProvinceYear]:
        """Provinces with a total that year, best first."""
        rows = [r for (_, y), r in self.rows.items() if y == year and r.total is not None]
        return sorted(rows, key=lambda r: -(r.total or 0.0))

    def rank(self, province: str, year: int) -> tuple[int, int] | None:
        ranked = self.scored(year)
        for i, row in enumerate(ranked, start=1):
            if row.province == province:
                return i, len(ranked)
        return None

    def median(self, year: int, dimension: int | None = None) -> float | None:
        values = [
            r.total if dimension is None else r.dims.get(dimension)
            for (_, y), r in self.rows.items()
            if y == year
        ]
        present = [v for v in values if v is not None]
        return statistics.median(present) if present else None

    def group(self, province: str, year: int) -> str | None:
        """Quartile group by the published rule (≥ P75 Cao, P50–P75, P25–P50, < P25); computed."""
        row = self.get(province, year)
        ranked = self.scored(year)
        if row is None or row.total is None or len(ranked) < 4:
            return None
        q1, q2, q3 = statistics.quantiles([r.total or 0.0 for r in ranked], n=4, method="inclusive")
        if row.total >= q3:
            return GROUPS[0]
        if row.total >= q2:
            return GROUPS[1]
        return GROUPS[2] if row.total >= q1 else GROUPS[3]


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
    return ScoreTable(rows=rows, provinces=provinces, years=years, sub_names=sub_names, sub_count=sub_count)
