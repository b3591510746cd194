"""Which provinces lead or trail a year, overall or on one dimension: "tỉnh nào đứng đầu PAPI 2024",
"5 tỉnh thấp nhất về kiểm soát tham nhũng 2023". Computed from the score table, on the map of that year
(63 former provinces until 2024, 34 from 2025), and labelled as computed: PAPI publishes groups, not ranks."""

from __future__ import annotations

import re

from content.scores import map_words
from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.scores.lookup import ScoreLookup

TOP_WORDS = ("dung dau", "cao nhat", "cao diem nhat", "tot nhat", "hang dau", "dan dau", "top", "nhat nuoc",
             "xep dau", "so 1")
BOTTOM_WORDS = ("thap nhat", "kem nhat", "cuoi bang", "bet bang", "dung cuoi", "xep cuoi", "te nhat", "thap diem")
_COUNT = re.compile(r"\b(?:top )?([2-9]|10|15|20) (?:tinh|dia phuong)\b|\btop ([2-9]|10|15|20)\b")
DEFAULT_COUNT = 5


def asks_ranking(norm: str) -> bool:
    """'tỉnh nào đứng đầu', '5 tỉnh thấp nhất': provinces by position, not one province's scores."""
    padded = f" {norm} "
    return any(f" {w} " in padded for w in TOP_WORDS + BOTTOM_WORDS)


class Rankings(ScoreLookup):
    def ranking(self, norm: str, year: int | None, dimension: int | None) -> Reply:
        padded = f" {norm} "
        bottom = any(f" {w} " in padded for w in BOTTOM_WORDS)
        found = _COUNT.search(norm)
        count = int(found.group(1) or found.group(2)) if found else DEFAULT_COUNT
        latest = self.table.years[-1]
        if year is not None and year not in self.table.years:
            return self._no_year(year)
        year = year or latest
        rows = [(r.province, r.value(dimension)) for r in self.table.scored(year)]
        scored = sorted(((p, v) for p, v in rows if v is not None), key=lambda pv: pv[1], reverse=not bottom)
        if not scored:
            return Reply(f"Chưa có điểm PAPI {year} để xếp thứ tự.", kind="decline")
        names = self._names_of()
        what = f"chỉ số nội dung {dimension} ({names[dimension]})" if dimension else "tổng điểm PAPI"
        side = "thấp nhất" if bottom else "cao nhất"
        lines = [f"{min(count, len(scored))} tỉnh có {what} {year} {side} (trong {len(scored)} tỉnh có điểm, "
                 f"{map_words(year)}):"]
        for n, (province, value) in enumerate(scored[:count], start=1):
            place = self.table.rank(province, year, dimension) or (n, len(scored))  # ties share a place
            lines.append(f"{n}. {province}: {render.number(value)} (vị trí {place[0]}/{place[1]})")
        notes = [
            render.CAUTION + "Vị trí do Trợ lý PAPI tự tính từ điểm các tỉnh có điểm năm đó (PAPI công bố nhóm, "
            f"không công bố thứ hạng), trên {map_words(year)}.",
            render.SOURCE + self.table.source(year),
        ]
        first = scored[0][0]
        other = "cao nhất" if bottom else "thấp nhất"
        choices = (
            Choice(f"Điểm {first} {year}", f"/diem {first} {year}"),
            Choice(f"Các tỉnh {other} {year}", f"/diem {count} tỉnh {other} {year}" + _dim_words(dimension)),
        )
        return Reply("\n".join(lines) + "\n\n" + "\n".join(notes), choices)


def _dim_words(dimension: int | None) -> str:
    return f" chỉ số {dimension}" if dimension else ""
