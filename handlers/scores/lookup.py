"""What every score answer looks up and shares: a province's latest year and row, the reply for a year without
scores, the provincial plans with targets, the choices offered under an answer, the 2025 notes (which map a year
is scored on, which former provinces a new one was formed from), what each year's answer cites, and the way
changes and gaps are written.

`ScoreLookup` is the base of each kind of answer (score_card, score_comparisons, score_targets, score_merger,
score_charts); `Scores` combines them, so each answer module depends on this one only. `table` is the bundled
scores merged with the imported editions and `plans` the bundled and loaded plans; `Scores.refresh` renews both.
"""

from __future__ import annotations

import re

from content.loader import KnowledgeBase
from content.models import Plan, ProvinceMerger
from content.normalize import normalize, strip_diacritics
from content.scores import NewProvince, ProvinceYear, map_size, map_words
from handlers.core import render
from handlers.core.messages import Choice, Reply

COMPUTED = (
    "Thứ hạng và nhóm do Trợ lý PAPI tự tính từ tổng điểm các tỉnh có điểm năm đó "
    "(PAPI công bố nhóm, không công bố thứ hạng)."
)
COMPUTED_ALL = (
    "Vị trí, nhóm và trung vị do Trợ lý PAPI tự tính từ các tỉnh có điểm năm đó, theo quy tắc tứ phân vị PAPI "
    "công bố (PAPI công bố nhóm, không công bố thứ hạng); tỉnh sát ranh giới nhóm nên xem là chưa chắc chắn."
)
REFORM = (
    "Điểm PAPI đến năm 2024 tính theo 63 tỉnh trước sắp xếp. Từ 1/7/2025 cả nước còn 34 tỉnh, thành phố; "
    "kết quả PAPI tính theo tỉnh mới chưa được công bố hoặc chưa được nhập vào Trợ lý."
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")
NOT_YET = "chưa được công bố hoặc chưa được nhập vào Trợ lý"


def signed(value: float) -> str:
    """'+0,43', '-0,02'; a change that rounds to zero is '0,00', never '-0,00'."""
    if round(value, 2) == 0:
        return render.number(0.0)
    return ("+" if value > 0 else "") + render.number(value)


def change(value: float) -> str:
    """'tăng 0,35', 'giảm 0,02', 'không đổi': how people say a change from the year before."""
    if round(value, 2) == 0:
        return "không đổi"
    return f"{'tăng' if value > 0 else 'giảm'} {render.number(abs(value))}"


def gap(diff: float) -> str:
    """'vượt 0,43' / 'thiếu 0,02'; three decimals when two would show a miss as 0,00."""
    digits = 2 if abs(diff) >= 0.005 or diff == 0 else 3
    return f"{'vượt' if diff >= 0 else 'thiếu'} {render.number(abs(diff), digits)}"


def slug(*parts: object) -> str:
    return "-".join(re.sub(r"[^a-z0-9]+", "-", strip_diacritics(str(p))).strip("-") for p in parts)


class ScoreLookup:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.table = kb.scores
        self.plans: tuple[Plan, ...] = kb.plans
        # the curators' notes on some pairs (papi.yaml); which provinces merged is the table's map (map_2025.yaml)
        self._notes: dict[str, ProvinceMerger] = {
            normalize(f): m for m in kb.papi.mergers for f in (m.new_name, *m.former)
        }
        self._launched = {e.year: e.launched for e in kb.papi.editions}

    def _new(self, province: str) -> NewProvince | None:
        """The province of the July 2025 map a name is, or is now part of."""
        return self.table.map.new(province) or self.table.map.successor(province)

    def _former_latest(self, former: str) -> ProvinceYear | None:
        """A former province's last scores with a total, on the 63-province map (a former province and the new
        one can share a name: Đồng Tháp 2025 is the new province)."""
        years = [y for y in self.table.years_of(former) if map_size(y) == 63
                 and (row := self.table.get(former, y)) is not None and row.total is not None]
        return self.table.get(former, years[-1]) if years else None

    def _computed(self, year: int, text: str = COMPUTED) -> str:
        return f"{text} Tính trên {map_words(year)}."

    def _province_names(self, year: int) -> tuple[str, ...]:
        """The provinces of that year's map."""
        return self.table.map.names if map_size(year) == 34 else self.kb.scores.provinces

    def _latest(self, province: str, need_subs: bool = False) -> int | None:
        years = self.table.years_of(province)
        if need_subs:
            years = [y for y in years if (row := self.table.get(province, y)) is not None and row.subs]
        return years[-1] if years else None

    def _row(self, province: str, year: int | None) -> tuple[ProvinceYear | None, int | None]:
        year = year or self._latest(province)
        row = self.table.get(province, year) if year else None
        return (row if row is not None and row.dims else None), year

    def _missing(self, province: str, year: int | None) -> Reply:
        latest = self._latest(province)
        span = f"{self.table.years[0]}–{self.table.years[-1]}"
        cited = [self.table.source(year)]
        if year is not None and self.table.years[0] <= year <= self.table.years[-1]:
            text = f"{province} năm {year} không có điểm trong dữ liệu PAPI."
            reason = self._why_missing(province, year)
            if reason is not None:
                text += f" Theo ghi chú về kỳ PAPI {year}: {reason[0]}"
                cited.insert(0, reason[1])
        else:
            text = f"{province} năm {year} ngoài các năm có dữ liệu ({span})."
        text += "\n\n" + render.REFORM + self._reform(province) + f"\n{render.SOURCE}{'; '.join(cited)}"
        choices = (Choice(f"{province} {latest}", f"/diem {province} {latest}"),) if latest else ()
        return Reply(text, choices, kind="decline")

    def _why_missing(self, province: str, year: int) -> tuple[str, str] | None:
        """(the sentence, its source) of the curated notes on that year's edition (papi.yaml) that names the
        province: why it has no score ("do kết quả khảo sát vượt giá trị sai số…"), or that the reason is unknown."""
        edition = next((e for e in self.kb.papi.editions if e.year == year), None)
        if edition is None or not edition.notes:
            return None
        name = f" {normalize(province)} "
        said = [s for s in _SENTENCE_END.split(edition.notes) if name in f" {normalize(s)} "]
        return (said[0].strip(), edition.sources[0]) if said else None

    def _no_year(self, year: int) -> Reply:
        """A country-level question about a year the data does not have (2025 onwards, or before 2011)."""
        first, latest = self.table.years[0], self.table.years[-1]
        return Reply(
            f"Trợ lý chưa có kết quả PAPI {year}: dữ liệu có từ {first} đến {latest}. "
            f"Kết quả PAPI {latest + 1} trở đi {NOT_YET}."
            f"\n\n{render.SOURCE}{self.table.source(latest)}",
            (Choice(f"Các tỉnh dẫn đầu {latest}", f"/diem 5 tỉnh cao nhất {latest}"),),
            kind="decline",
        )

    def _names_of(self) -> dict[int, str]:
        return {d.number: d.name_vi for d in self.kb.papi.dimensions}

    def _plans(self, province: str) -> list[Plan]:
        """Provincial plans of the province with targets: PAPI scores provinces, so a district's or a
        commune's own targets cannot be checked against them."""
        return [p for p in self.plans if p.level == "province" and p.province == province and p.targets]

    def choices(self, province: str, year: int) -> tuple[Choice, ...]:
        row = self.table.get(province, year)
        out = [
            Choice("Tổng điểm qua các năm", f"/diem {province} qua các năm"),
            Choice("So với trung vị cả nước", f"/diem {province} {year} trung vị"),
        ]
        if row is not None and len(row.dims) == (8 if year >= 2018 else 6):  # a radar needs every axis
            out.insert(0, Choice(f"Biểu đồ radar {len(row.dims)} chỉ số", f"/diem {province} {year} radar"))
        if row is not None and row.subs:
            out.append(Choice("Nội dung thành phần", f"/diem {province} {year} thành phần"))
        for plan in self._plans(province):
            target_year = plan.targets[0].year
            out.append(Choice(f"Đối chiếu mục tiêu PAPI {target_year}", f"/diem {province} {target_year} mục tiêu"))
        return tuple(out)

    def _reform_head(self) -> str:
        first = self.table.new_map_years[:1]
        if not first:
            return REFORM
        return (f"Điểm PAPI đến năm 2024 tính theo 63 tỉnh trước sắp xếp; từ PAPI {first[0]} theo 34 tỉnh, "
                "thành phố từ 1/7/2025.")

    def _reform(self, province: str) -> str:
        new = self._new(province)
        if new is None or new.former == (new.name,):
            return self._reform_head()
        if not new.merged:
            return self._reform_head() + f" Từ 1/7/2025 {new.former[0]} mang tên {new.name}."
        note = f" Theo sắp xếp 2025: {new.name} gồm {', '.join(new.former)}."
        return self._reform_head() + note
