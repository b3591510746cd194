"""Country-level score questions with no province: the national median of a year ("trung vị cả nước PAPI
2023") and when an edition was published ("PAPI 2023 công bố ngày nào")."""

from __future__ import annotations

from content.scores import map_words
from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.scores.lookup import ScoreLookup
from handlers.scores.questions import MEDIAN_WORDS, Question

LAUNCH_WORDS = ("cong bo", "ra mat", "phat hanh", "cong khai ket qua")
WHEN_WORDS = ("khi nao", "ngay nao", "hom nao", "bao gio", "luc nao", "thang may", "thang nao", "ngay may")


def asks_launch(q: Question) -> bool:
    return q.year is not None and q.has(LAUNCH_WORDS) and q.has(WHEN_WORDS)


def asks_count(q: Question) -> bool:
    """'PAPI 2023 có bao nhiêu tỉnh được chấm điểm'."""
    return q.has(("bao nhieu tinh", "may tinh", "bao nhieu dia phuong")) and q.has(
        ("cham diem", "co diem", "duoc danh gia", "tham gia", "khao sat", "xep hang", "tinh diem"))


def asks_national(q: Question) -> bool:
    """'trung vị cả nước', 'điểm trung bình PAPI 2023' (not 'nhóm trung bình cao', a group)."""
    return q.has(("trung vi", "diem trung binh", "trung binh chung")) or (q.has(MEDIAN_WORDS) and not q.has(("nhom",)))


class National(ScoreLookup):
    def launch(self, year: int) -> Reply:
        edition = next((e for e in self.kb.papi.editions if e.year == year), None)
        if edition is None or edition.launched is None:
            known = [e.year for e in self.kb.papi.editions if e.launched]
            note = f" Trợ lý có ngày công bố các kỳ {known[0]}–{known[-1]}." if known else ""
            sources = f"\n\n{render.SOURCE}{'; '.join(edition.sources)}" if edition else ""
            return Reply(f"Trợ lý chưa có ngày công bố Báo cáo PAPI {year}.{note}{sources}", kind="decline")
        text = (f"Báo cáo PAPI {year} (khảo sát năm {year}) được công bố ngày {edition.launched:%d/%m/%Y}."
                f"\n\n{render.SOURCE}{'; '.join(edition.sources)}")
        return Reply(text, (Choice(f"Các tỉnh dẫn đầu {year}", f"/diem 5 tỉnh cao nhất {year}"),))

    def scored_count(self, year: int | None) -> Reply:
        year = year or self.table.years[-1]
        if year not in self.table.years:
            return self._no_year(year)
        scored = {r.province for r in self.table.scored(year)}
        missing = [p for p in self._province_names(year) if p not in scored]
        text = f"PAPI {year} ({map_words(year)}): {len(scored)} tỉnh, thành phố có tổng điểm trong dữ liệu"
        text += f"; không có: {', '.join(missing)}." if missing else "."
        return Reply(f"{text}\n\n{render.SOURCE}{self.table.source(year)}")

    def national_median(self, year: int | None, dimension: int | None) -> Reply:
        year = year or self.table.years[-1]
        if year not in self.table.years:
            return self._no_year(year)
        values = self.table.values(year, dimension)
        median = self.table.median(year, dimension)
        if median is None:  # a dimension not measured that year (8 before 2018)
            return Reply(f"PAPI {year} không có điểm chỉ số nội dung {dimension}.", kind="decline")
        names = self._names_of()
        what = f"chỉ số nội dung {dimension} ({names[dimension]})" if dimension else "tổng điểm PAPI"
        mean = sum(values) / len(values)
        lines = [f"Trung vị {what} {year} của {len(values)} tỉnh có điểm: {render.number(median)} "
                 f"(trung bình cộng: {render.number(mean)})."]
        if dimension is None:
            lines.append("Theo chỉ số nội dung:")
            for number in sorted(names):
                value = self.table.median(year, number)
                if value is not None:
                    lines.append(f"{number}. {names[number]}: {render.number(value)}")
        notes = (f"{render.CAUTION}Trung vị và trung bình do Trợ lý PAPI tự tính từ điểm các tỉnh có điểm năm đó, "
                 f"trên {map_words(year)}.\n{render.SOURCE}{self.table.source(year)}")
        return Reply("\n".join(lines) + "\n\n" + notes)
